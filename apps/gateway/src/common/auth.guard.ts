import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { ApiError } from './api-error';
import { tokenMatches } from './admin-token';
import { IS_PUBLIC } from './public.decorator';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/** Reads the client token from the X-Auth-Token header or an `auth_token` form/JSON field. */
export function presentedToken(req: Request): string | undefined {
  const header = req.headers['x-auth-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body.auth_token : undefined;
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()])) return true;
    const token = presentedToken(ctx.switchToHttp().getRequest<Request>());
    if (!token)
      throw new ApiError(401, 'missing client token: send it in the X-Auth-Token header or the auth_token field', 'unauthenticated');
    if (!tokenMatches(token, this.adminToken)) throw new ApiError(401, 'invalid client token', 'unauthenticated');
    return true;
  }
}

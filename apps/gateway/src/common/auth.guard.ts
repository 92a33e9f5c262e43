import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthRateLimiter, ClientAuthError, ClientsService } from '@facenition/clients';
import type { Request } from 'express';
import { tokenMatches } from './admin-token';
import { ApiError } from './api-error';
import { ACCESS, type Access } from './public.decorator';
import { context, sourceAddress } from './request-context';

export const ADMIN_TOKEN = Symbol('ADMIN_TOKEN');

/** Reads the credential from the X-Auth-Token header or an `auth_token` form/JSON field. */
export function presentedToken(req: Request): string | undefined {
  const header = req.headers['x-auth-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body.auth_token : undefined;
  return typeof field === 'string' && field.length > 0 ? field : undefined;
}

/**
 * One guard for every route: public routes pass; admin routes need the deployment's admin
 * credential; every other route needs a client token (long-lived or access token). Metering
 * happens later, once the input is valid (ApiEdge). Failed attempts are counted per source
 * address and blocked past the configured rate.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
    private readonly clients: ClientsService,
    private readonly limiter: AuthRateLimiter,
  ) {}

  async canActivate(ec: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [ec.getHandler(), ec.getClass()]) ?? 'client';
    if (access === 'public') return true;
    const req = ec.switchToHttp().getRequest<Request>();
    const source = sourceAddress(req);
    const ctx = context(req);
    // the header credential was already checked before the body was read (EarlyAuthMiddleware)
    const early = ctx.presented;
    const token = early ? undefined : presentedToken(req);
    if (!early) await this.limiter.check(source);
    if (!early && !token) {
      // requests without any credential count against the address like failed ones
      await this.limiter.fail(source);
      throw new ApiError(401, 'missing client token: send it in the X-Auth-Token header or the auth_token field', 'unauthenticated');
    }
    const isAdmin = early ? early.admin : tokenMatches(token!, this.adminToken);
    if (access === 'admin') {
      if (!isAdmin) {
        await this.limiter.fail(source);
        throw new ApiError(401, 'this endpoint needs the admin credential', 'unauthenticated');
      }
      ctx.admin = true;
      ctx.releaseBodySlot?.();
      return true;
    }
    if (isAdmin) {
      throw new ApiError(401, 'the admin credential cannot call the API; create a client with /generateToken', 'unauthenticated');
    }
    if (early && !early.admin) {
      ctx.principal = early.principal;
    } else {
      try {
        ctx.principal = await this.clients.authenticate(token!);
      } catch (err) {
        if (err instanceof ClientAuthError) await this.limiter.fail(source);
        throw err;
      }
    }
    ctx.releaseBodySlot?.();
    // metering happens at the edge, after the input was validated (ApiEdge.accept)
    return true;
  }
}

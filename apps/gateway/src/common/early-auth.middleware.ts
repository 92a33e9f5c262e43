import { Inject, Injectable, type NestMiddleware, type OnApplicationBootstrap } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AuthRateLimiter, ClientAuthError, ClientsService } from '@facenition/clients';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config';
import { tokenMatches } from './admin-token';
import { ApiError } from './api-error';
import { ADMIN_TOKEN } from './auth.guard';
import { ACCESS, type Access } from './public.decorator';
import { context, sourceAddress } from './request-context';

/** A counting semaphore that refuses instead of waiting. */
export class Slots {
  private used = 0;
  constructor(readonly size: number) {}
  get inUse(): number {
    return this.used;
  }
  /** A release function (idempotent), or undefined when every slot is taken. */
  tryAcquire(): (() => void) | undefined {
    if (this.used >= this.size) return undefined;
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
    };
  }
}

/** The full path as requested (with any base path), without the query string. */
export const requestPath = (req: Request): string => req.originalUrl.split('?')[0];

const hasBody = (req: Request): boolean => Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;

/** The paths of every @Public() route, read once from the controllers' metadata (none has path parameters). */
@Injectable()
export class PublicRoutes implements OnApplicationBootstrap {
  private paths = new Set<string>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  onApplicationBootstrap(): void {
    const paths = new Set<string>();
    for (const wrapper of this.discovery.getControllers()) {
      const instance = wrapper.instance as object | undefined;
      if (!instance || !wrapper.metatype) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, wrapper.metatype) ?? '');
      const proto = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const method of this.scanner.getAllMethodNames(proto)) {
        const handler = proto[method] as (...args: unknown[]) => unknown;
        const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [handler, wrapper.metatype]);
        if (access !== 'public') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        for (const p of Array.isArray(sub) ? sub : [sub ?? '']) {
          paths.add(
            `/${[this.config.basePath, base, p].join('/')}`
              .replace(/\/+/g, '/')
              .replace(/(.)\/$/, '$1')
              .toLowerCase(),
          );
        }
      }
    }
    this.paths = paths;
  }

  get all(): string[] {
    return [...this.paths].sort();
  }

  has(path: string): boolean {
    // Express routes case-insensitively and ignores one trailing slash: so does this check
    const p = path.toLowerCase();
    return this.paths.has(p.length > 1 ? p.replace(/\/$/, '') : p);
  }
}

/**
 * Runs before any request body is read, so a hostile client cannot make the server buffer and
 * parse large bodies for free:
 * - an address over the failed-authentication limit is refused (429) at once;
 * - a credential in the X-Auth-Token header is checked here: a wrong one is refused (401) without
 *   reading the body, a right one is handed to the guard (no second lookup);
 * - a request without that header (its credential, if any, is an `auth_token` body field) may
 *   have its body read only within a small number of concurrent slots
 *   (FACENITION_MAX_UNAUTHENTICATED_BODIES), released once the guard has authenticated it;
 * - every request with a body takes one of FACENITION_MAX_INFLIGHT_BODIES slots until answered.
 * Refusals close the connection, so the rest of an unread upload is not kept.
 */
@Injectable()
export class EarlyAuthMiddleware implements NestMiddleware {
  readonly unauthenticated: Slots;
  readonly inflight: Slots;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(ADMIN_TOKEN) private readonly adminToken: string,
    private readonly clients: ClientsService,
    private readonly limiter: AuthRateLimiter,
    private readonly publicRoutes: PublicRoutes,
  ) {
    this.unauthenticated = new Slots(config.maxUnauthenticatedBodies);
    this.inflight = new Slots(config.maxInflightBodies);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.check(req, res).then(
      () => next(),
      (err: unknown) => {
        res.setHeader('Connection', 'close');
        next(err);
      },
    );
  }

  private async check(req: Request, res: Response): Promise<void> {
    if (hasBody(req)) {
      const release = this.inflight.tryAcquire();
      if (!release) throw new ApiError(503, 'the server is busy receiving other requests; retry shortly', 'busy');
      res.once('close', release);
    }
    if (this.publicRoutes.has(requestPath(req))) return;
    const source = sourceAddress(req);
    await this.limiter.check(source);
    const header = req.headers['x-auth-token'];
    const ctx = context(req);
    if (typeof header === 'string' && header.length > 0) {
      if (tokenMatches(header, this.adminToken)) {
        ctx.presented = { admin: true };
        return;
      }
      try {
        ctx.presented = { admin: false, principal: await this.clients.authenticate(header) };
      } catch (err) {
        if (err instanceof ClientAuthError) await this.limiter.fail(source);
        throw err;
      }
      return;
    }
    if (!hasBody(req)) return;
    const release = this.unauthenticated.tryAcquire();
    if (!release) {
      throw new ApiError(
        503,
        'too many requests are sending their credential in the body; send it in the X-Auth-Token header, or retry shortly',
        'busy',
      );
    }
    ctx.releaseBodySlot = release;
    res.once('close', release);
  }
}

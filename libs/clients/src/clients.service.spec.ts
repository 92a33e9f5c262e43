import type { ApiClientEntity } from '@facenition/database';
import type { DataSource } from 'typeorm';
import { ClientsService, isUuid, MAX_ROTATION_GRACE_SECONDS, TENANT, type ClientPrincipal } from './clients.service';
import { ClientAuthError, ClientForbiddenError, ClientNotFoundError, InvalidClientRequestError } from './errors';

/**
 * What ClientsService decides before it touches the database. The database parts (create, rotate,
 * authenticate against stored hashes) are covered by the integration suites on a real PostgreSQL;
 * here the data source throws on any use, so each refusal below is proven to come first.
 */
const noDatabase = new Proxy({} as DataSource, {
  get: (_t, prop) => {
    throw new Error(`the database was used (${String(prop)})`);
  },
});

const NOW = new Date('2026-11-27T12:00:00Z');
const service = new ClientsService(noDatabase, { rotationGraceSeconds: 3600, accessTokenTtlSeconds: 900 }, () => NOW);
const ID = '0b9f3c2e-8a8e-4a55-9a49-1d6c1c3f0e11';

/** Awaits a refusal and checks its class and exact message (so it was not the database that failed). */
async function refused(p: Promise<unknown>, cls: new (...args: never[]) => Error, message: string): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(cls);
  expect((e as Error).message).toBe(message);
}

const entity = (over: Partial<ApiClientEntity> = {}): ApiClientEntity => ({
  id: ID,
  name: 'kiosk',
  environment: 'sandbox',
  plan: 'developer',
  createdAt: new Date('2026-11-01T00:00:00Z'),
  expiresAt: null,
  revokedAt: null,
  tokenHash: Buffer.alloc(32, 1),
  previousTokenHash: null,
  previousValidUntil: null,
  secretHash: Buffer.alloc(32, 2),
  rotatedAt: null,
  tenant: ID,
  ...over,
});

const principal = (over: Partial<ClientPrincipal> = {}): ClientPrincipal => ({
  clientId: ID,
  name: 'kiosk',
  environment: 'sandbox',
  plan: 'developer',
  tenant: ID,
  via: 'client_token',
  rotatedOut: false,
  tokenHash: Buffer.alloc(32, 1),
  ...over,
});

describe('ClientsService without a database', () => {
  it('shows a client without its hashes, dates as ISO strings', () => {
    const v = service.view(entity({ expiresAt: new Date('2027-01-01T00:00:00Z'), rotatedAt: new Date('2026-11-20T08:00:00Z') }));
    expect(v).toEqual({
      client_id: ID,
      name: 'kiosk',
      environment: 'sandbox',
      plan: 'developer',
      tenant: ID,
      created_at: '2026-11-01T00:00:00.000Z',
      expires_at: '2027-01-01T00:00:00.000Z',
      revoked_at: null,
      rotated_at: '2026-11-20T08:00:00.000Z',
      status: 'active',
    });
  });

  it('derives the status from the clock: expired at its expiry instant, revoked before expired', () => {
    expect(service.view(entity({ expiresAt: new Date(NOW.getTime() + 1) })).status).toBe('active');
    expect(service.view(entity({ expiresAt: NOW })).status).toBe('expired');
    expect(service.view(entity({ expiresAt: NOW, revokedAt: new Date('2026-11-02T00:00:00Z') })).status).toBe('revoked');
  });

  it('refuses to create a client that has already expired, or with a malformed tenant', async () => {
    const base = { name: 'kiosk', environment: 'sandbox' as const, plan: 'developer' as const };
    await refused(service.create({ ...base, expiresAt: NOW }), InvalidClientRequestError, 'expires_at must be in the future');
    await refused(
      service.create({ ...base, tenant: 'a b' }),
      InvalidClientRequestError,
      'tenant must be 1..100 characters [A-Za-z0-9._:-]',
    );
    const badTenant = 'tenant must be 1..100 characters [A-Za-z0-9._:-]';
    await refused(service.create({ ...base, tenant: '' }), InvalidClientRequestError, badTenant);
    await refused(service.create({ ...base, tenant: 'x'.repeat(101) }), InvalidClientRequestError, badTenant);
  });

  it('answers 404 for an id that is not a UUID, without a query', async () => {
    await refused(service.get('not-a-uuid'), ClientNotFoundError, 'no such client');
    await refused(service.get("' OR 1=1 --"), ClientNotFoundError, 'no such client');
  });

  it('bounds the grace period of an admin rotation', async () => {
    await refused(
      service.rotate(ID, MAX_ROTATION_GRACE_SECONDS + 1),
      InvalidClientRequestError,
      `grace_seconds may be at most ${MAX_ROTATION_GRACE_SECONDS}`,
    );
  });

  it('lets only the current long-lived token rotate itself, within the configured grace', async () => {
    await refused(
      service.rotateSelf(principal({ via: 'access_token', tokenHash: undefined })),
      ClientForbiddenError,
      'a short-lived access token cannot rotate the client token: use the current long-lived client token (fnc_)',
    );
    await refused(
      service.rotateSelf(principal({ rotatedOut: true })),
      ClientForbiddenError,
      'a rotated-out client token cannot rotate the client token: use the current long-lived client token (fnc_)',
    );
    await refused(
      service.rotateSelf(principal({ tokenHash: undefined })),
      ClientForbiddenError,
      'a rotated-out client token cannot rotate the client token: use the current long-lived client token (fnc_)',
    );
    await refused(
      service.rotateSelf(principal(), 3601),
      InvalidClientRequestError,
      'grace_seconds may be at most 3600 for a self-service rotation',
    );
  });

  it('refuses credentials that cannot be a client before any lookup', async () => {
    await refused(service.issueAccessToken('not-a-uuid', 'fns_x'), ClientAuthError, 'invalid client credentials');
    const e = await service.issueAccessToken('not-a-uuid', 'fns_x').catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'invalid_client', status: 401 });
    for (const presented of ['', 'Bearer abc', 'fnc_', 'fnc_AAAA.BBBB', 'fns_secret']) {
      await refused(service.authenticate(presented), ClientAuthError, 'invalid client token');
    }
  });
});

describe('client id and tenant formats', () => {
  it('accepts UUIDs in either case and nothing else', () => {
    expect(isUuid(ID)).toBe(true);
    expect(isUuid(ID.toUpperCase())).toBe(true);
    for (const bad of ['', ID.slice(1), `${ID}0`, ID.replace(/-/g, ''), `{${ID}}`]) expect(isUuid(bad)).toBe(false);
  });

  it('accepts tenant labels of 1..100 characters [A-Za-z0-9._:-]', () => {
    for (const ok of ['a', ID, 'acme:eu-west.1_prod', 'x'.repeat(100)]) expect(TENANT.test(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(101), 'a b', 'a/b', 'ä', 'a\n']) expect(TENANT.test(bad)).toBe(false);
  });
});

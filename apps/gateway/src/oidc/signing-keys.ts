import { Inject, Injectable, Logger } from '@nestjs/common';
import { CLOCK, type Clock } from '@facenition/clients';
import { DATA_SOURCE } from '@facenition/database';
import type { PepperRing } from '@facenition/tokenisation';
import forge from 'node-forge';
import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { PEPPER } from '../tokens/identity-token.service';
import { seal, unseal } from './seal';

const DAY = 86_400_000;
/** A signing key is replaced after this long. */
export const ROTATE_AFTER_MS = 90 * DAY;
/** A new key is published this long before it signs (Entra ID caches provider metadata for 24 h). */
export const PUBLISH_AHEAD_MS = 48 * 3_600_000;
/** A replaced key stays published this long after its successor took over (tokens it signed remain checkable). */
export const RETIRE_AFTER_MS = 7 * DAY;
const PURPOSE = 'oidc signing key';
/** Advisory-lock key of the key table ('fkey' in ASCII): replicas starting together create one key. */
const KEYS_LOCK = 0x666b6579;

interface KeyRow {
  kid: string;
  alg: string;
  created_at: Date;
  signs_from: Date;
  retired_at: Date | null;
  public_jwk: JsonWebKey & { kid: string; x5c: string[] };
  sealed_private: Buffer;
  sealing_key_id: string;
}

export interface KeySet {
  /** Private JWKs for oidc-provider: the key that signs now first, then the others (published, not signing). */
  jwks: { keys: (JsonWebKey & { kid: string; alg: string; use: string; x5c: string[] })[] };
  signingKid: string;
}

const b64url = (b: Buffer): string => b.toString('base64url');

/** RFC 7638 thumbprint of an RSA public key: its kid. */
function thumbprint(jwk: JsonWebKey): string {
  return b64url(
    createHash('sha256')
      .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
      .digest(),
  );
}

/** A self-signed certificate for the key, so every published JWK carries x5c (Entra ID requires it). */
function selfSignedCertificate(privatePem: string, kid: string, from: Date): string {
  const key = forge.pki.privateKeyFromPem(privatePem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${createHash('sha256').update(kid).digest('hex').slice(0, 30)}`;
  cert.validity.notBefore = from;
  cert.validity.notAfter = new Date(from.getTime() + 2 * 365 * DAY);
  const name = [{ name: 'commonName', value: `Facenition OIDC signing key ${kid.slice(0, 16)}` }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(key, forge.md.sha256.create());
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

/**
 * The provider's RS256 signing keys, in PostgreSQL, sealed under the deployment key. The first
 * start creates one that signs at once; afterwards a successor is created ROTATE_AFTER after the
 * current key took over and published PUBLISH_AHEAD before it signs; a replaced key stays
 * published RETIRE_AFTER, then is retired. All replicas read the same table.
 */
@Injectable()
export class OidcSigningKeys {
  private readonly log = new Logger('OidcKeys');

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    @Inject(CLOCK) private readonly now: Clock,
  ) {}

  private create(m: EntityManager, signsFrom: Date): Promise<unknown> {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const kid = thumbprint(jwk);
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const x5c = [selfSignedCertificate(pem, kid, this.now())];
    const publicJwk = { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig', x5c };
    const sealed = seal(this.peppers, PURPOSE, Buffer.from(JSON.stringify(jwk)));
    this.log.log(`created OIDC signing key ${kid} (signs from ${signsFrom.toISOString()})`);
    return m.query(
      `INSERT INTO oidc_signing_keys (kid, alg, created_at, signs_from, public_jwk, sealed_private, sealing_key_id)
       VALUES ($1, 'RS256', $2, $3, $4, $5, $6)`,
      [kid, this.now(), signsFrom, JSON.stringify(publicJwk), sealed.sealed, sealed.keyId],
    );
  }

  /** Creates the first key, a successor when one is due, and retires keys replaced long enough ago. Idempotent across replicas. */
  async maintain(): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query('SELECT pg_advisory_xact_lock($1)', [KEYS_LOCK]);
      const now = this.now();
      const rows: KeyRow[] = await m.query(`SELECT * FROM oidc_signing_keys WHERE retired_at IS NULL ORDER BY signs_from`);
      if (!rows.length) {
        await this.create(m, now);
        return;
      }
      const active = rows.filter((r) => r.signs_from <= now);
      const current = active[active.length - 1];
      const pending = rows.filter((r) => r.signs_from > now);
      if (current && !pending.length && now.getTime() - current.signs_from.getTime() >= ROTATE_AFTER_MS - PUBLISH_AHEAD_MS) {
        await this.create(m, new Date(now.getTime() + PUBLISH_AHEAD_MS));
      }
      // keys replaced by a successor that has signed for RETIRE_AFTER are no longer published
      for (const old of active.slice(0, -1)) {
        const successor = active[active.indexOf(old) + 1];
        if (now.getTime() - successor.signs_from.getTime() >= RETIRE_AFTER_MS) {
          await m.query(`UPDATE oidc_signing_keys SET retired_at = $2 WHERE kid = $1`, [old.kid, now]);
        }
      }
    });
  }

  /** The key set in force now (private JWKs, the signing key first). */
  async load(): Promise<KeySet> {
    const now = this.now();
    const rows: KeyRow[] = await this.ds.query(`SELECT * FROM oidc_signing_keys WHERE retired_at IS NULL ORDER BY signs_from DESC`);
    const signing = rows.find((r) => r.signs_from <= now);
    if (!signing) throw new Error('no OIDC signing key is in force (run maintain() first)');
    const ordered = [signing, ...rows.filter((r) => r !== signing)];
    const keys = ordered.map((r) => {
      const priv = JSON.parse(
        unseal(this.peppers, PURPOSE, { sealed: r.sealed_private, keyId: r.sealing_key_id }).toString(),
      ) as JsonWebKey;
      return { ...priv, kid: r.kid, alg: 'RS256', use: 'sig', x5c: r.public_jwk.x5c };
    });
    return { jwks: { keys }, signingKid: signing.kid };
  }

  /** The signing key as a node KeyObject, for results signed outside oidc-provider (e.g. signed verification results). */
  async signingKey(): Promise<{ kid: string; key: ReturnType<typeof createPrivateKey> }> {
    const set = await this.load();
    return { kid: set.signingKid, key: createPrivateKey({ key: set.jwks.keys[0], format: 'jwk' }) };
  }

  /** The public keys that are published (for verifiers outside the provider). */
  async publicJwks(): Promise<{ keys: KeyRow['public_jwk'][] }> {
    const rows: KeyRow[] = await this.ds.query(`SELECT public_jwk FROM oidc_signing_keys WHERE retired_at IS NULL ORDER BY signs_from`);
    return { keys: rows.map((r) => r.public_jwk) };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditService } from '@facenition/audit';
import type { ClientPrincipal } from '@facenition/clients';
import { DATA_SOURCE } from '@facenition/database';
import { decodeToken } from '@facenition/tokenisation';
import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import multer from 'multer';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { withoutControls } from '../common/clean-input';
import { mapError } from '../common/error.filter';
import { requestSignal } from '../common/request-signal';
import { sourceAddress } from '../common/request-context';
import { APP_CONFIG, installRoot, type AppConfig } from '../config';
import { FaceService } from '../face/face.service';
import { LicenseService } from '../license/license.service';
import { tokenRef } from '../tokens/identity-token.codec';
import { IdentityTokenService, PEPPER } from '../tokens/identity-token.service';
import type { PepperRing } from '@facenition/tokenisation';
import type { InteractionResults } from 'oidc-provider';
import { ACR_EAM, acrOfLevel, OidcProvider } from './oidc.provider';
import { RelyingParties, type RelyingParty } from './relying-parties';
import { derivedSecret, resolveSubject, SubjectError, type Subject } from './subjects';
import { renderFacePage } from './page';

/** The face page's own security headers: strict CSP (no inline code, nothing third-party), no caching, no framing. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; media-src 'self' blob: mediastream:; " +
  "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** Provider routes: its form_post page needs an inline script (oidc-provider adds its hash) and posts to the relying party. */
const PROVIDER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; form-action 'self' https: http:; frame-ancestors 'none'; base-uri 'none'";

const FRAME_CHECKS_PER_INTERACTION = 300;
/** Face attempts in one sign-in before it ends with access_denied (the identity token's lockout counts across sign-ins). */
export const ATTEMPTS_PER_INTERACTION = 3;
const PIN = /^[0-9]{4,12}$/;

interface Interaction {
  rp: RelyingParty;
  secret: string | null;
  subject: Subject;
  principal: ClientPrincipal;
  enrolment?: { identity_token: string };
}

/**
 * The hosted face page of the OpenID Connect provider and its endpoints: who the user is comes from
 * the relying party's hint (checked here), the first visit enrols (the identity token is stored per
 * relying party and subject, never a face), later visits verify, and either ends the interaction
 * with amr ["face"] and the relying party's acr. POSTs need the page's CSRF token and a same-origin
 * Origin. Every outcome is audited with the relying party, a subject pseudonym and the token ref.
 */
@Injectable()
export class OidcInteractions {
  private readonly log = new Logger('OidcInteractions');
  private readonly frameChecks = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly csrfKey: Buffer;
  private subjectRoot?: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    @Inject(PEPPER) private readonly peppers: PepperRing,
    private readonly oidc: OidcProvider,
    private readonly rps: RelyingParties,
    private readonly tokens: IdentityTokenService,
    private readonly faces: FaceService,
    private readonly audit: AuditService,
    private readonly license: LicenseService,
  ) {
    this.csrfKey = peppers.current.derive('facenition oidc csrf');
  }

  private async root(): Promise<Buffer> {
    this.subjectRoot = await this.rps.subjectRoot();
    return this.subjectRoot;
  }

  private csrf(uid: string): string {
    return createHmac('sha256', this.csrfKey).update(uid).digest('base64url');
  }

  private checkCsrf(req: Request, uid: string): void {
    const sent = req.headers['x-facenition-csrf'];
    const expected = Buffer.from(this.csrf(uid));
    if (typeof sent !== 'string' || sent.length !== expected.length || !timingSafeEqual(Buffer.from(sent), expected)) {
      throw new ApiError(403, 'missing or wrong CSRF token', 'csrf');
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== new URL(this.oidc.issuer).origin)
      throw new ApiError(403, 'cross-origin request refused', 'csrf');
  }

  /** The interaction, its relying party and its subject; throws SubjectError when the relying party's hint does not hold. */
  private async load(req: Request, res: Response): Promise<{ uid: string; it: Interaction }> {
    const provider = await this.oidc.provider();
    const details = await provider.interactionDetails(req, res);
    const params = details.params as Record<string, unknown>;
    const active = await this.rps.active(String(params.client_id));
    if (!active) throw new SubjectError('unknown or disabled relying party');
    const subject = await resolveSubject(active.rp, active.secret, await this.root(), params, this.oidc.issuer, new Date());
    return { uid: details.uid, it: await this.interaction(active.rp, active.secret, subject) };
  }

  /** The relying party's API client as a principal, and the subject's enrolment. */
  private async interaction(rp: RelyingParty, secret: string | null, subject: Subject): Promise<Interaction> {
    const principal = await this.rps.principal(rp);
    const rows: { identity_token: string }[] = await this.ds.query(
      `SELECT identity_token FROM oidc_enrolments WHERE client_id = $1 AND subject_hash = $2`,
      [rp.client_id, subject.enrolmentKey],
    );
    return { rp, secret, subject, principal, enrolment: rows[0] };
  }

  /** An enrolment link: its invitation, relying party and subject; throws 404 when unknown, used, expired or its relying party is off. */
  private async loadInvitation(req: Request): Promise<{ key: string; tokenHash: Buffer; it: Interaction }> {
    const inv = await this.rps.invitation(String(req.params.token));
    const active = inv && (await this.rps.active(inv.clientId));
    if (!inv || !active)
      throw new ApiError(404, 'this enrolment link is unknown, used or expired: ask for a new one', 'invitation_not_found');
    await this.root();
    const subject: Subject = { accountId: '', enrolmentKey: inv.enrolmentKey };
    return { key: inv.tokenHash.toString('hex'), tokenHash: inv.tokenHash, it: await this.interaction(active.rp, active.secret, subject) };
  }

  private async record(
    req: Request,
    started: bigint,
    it: Partial<Interaction>,
    endpoint: string,
    status: number,
    outcome: { decision: string | null; errorCode?: string | null; tokenRef?: string | null; accuracy?: number | null },
  ): Promise<void> {
    await this.audit.append({
      ts: new Date(),
      requestId: randomUUID(),
      clientId: it.rp?.api_client_id ?? null,
      endpoint,
      status,
      errorCode: outcome.errorCode ?? null,
      decision: outcome.decision,
      score: null,
      threshold: null,
      accuracy: outcome.accuracy ?? null,
      tokenRef: outcome.tokenRef ?? null,
      latencyMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
      sourceIp: sourceAddress(req),
      subjectRef: it.subject ? it.subject.enrolmentKey.subarray(0, 16).toString('hex') : null,
    });
  }

  private secretOf(it: Interaction, pin: unknown): string {
    if (it.rp.settings.pin === 'none') return derivedSecret(this.subjectRoot!, it.rp.client_id, it.subject.enrolmentKey);
    if (typeof pin !== 'string' || !PIN.test(pin)) throw new ApiError(400, 'enter your PIN: 4 to 12 digits', 'invalid_pin');
    return pin;
  }

  private acr(rp: RelyingParty): string {
    return rp.profile === 'entra_eam' ? ACR_EAM : acrOfLevel(rp.settings.accuracy);
  }

  private async finish(req: Request, res: Response, result: InteractionResults): Promise<string> {
    const provider = await this.oidc.provider();
    return provider.interactionResult(req, res, result, { mergeWithLastSubmission: false });
  }

  /** GET /interaction/:uid: the face page (enrol on the first visit, verify afterwards). */
  private async page(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    let loaded;
    try {
      loaded = await this.load(req, res);
    } catch (err) {
      if (!(err instanceof SubjectError)) throw err;
      await this.record(req, started, {}, '/oidc/interaction', 403, { decision: 'subject_refused', errorCode: 'subject_refused' });
      // the relying party's hint did not hold: end the authorization with access_denied
      const redirect = await this.finish(req, res, { error: 'access_denied', error_description: err.message });
      res.redirect(303, redirect);
      return;
    }
    const { uid, it } = loaded;
    if (it.subject.unsigned && !it.enrolment) {
      // a plain login_hint only selects an enrolment: enrolling on it would let anyone enrol under any name
      await this.record(req, started, it, '/oidc/interaction', 403, { decision: 'not_enrolled', errorCode: 'not_enrolled' });
      const redirect = await this.finish(req, res, {
        error: 'access_denied',
        error_description: 'no face enrolment for this user: enrol with the link from your administrator',
      });
      res.redirect(303, redirect);
      return;
    }
    const base = this.oidc.mountPath === '/' ? '' : this.oidc.mountPath;
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.type('html').send(
      renderFacePage({
        base,
        action: `${base}/interaction/${encodeURIComponent(uid)}`,
        csrf: this.csrf(uid),
        mode: it.enrolment ? 'verify' : 'enrol',
        pin: it.rp.settings.pin === 'required',
        allowUpload: it.rp.settings.allow_upload,
        relyingParty: it.rp.name,
        displayName: it.subject.displayName,
      }),
    );
  }

  /** POST /interaction/:uid/frame: quick feedback on a small preview frame (face found, single, lit, live). */
  private async frame(req: Request, res: Response): Promise<void> {
    // twice a second: only the interaction (cookie + uid) is checked here; the subject was checked by the page
    const { uid } = await (await this.oidc.provider()).interactionDetails(req, res);
    this.checkCsrf(req, uid);
    await this.checkFrame(req, res, uid);
  }

  /** POST /enrol/:token/frame: the same feedback on an enrolment link's page. */
  private async invitationFrame(req: Request, res: Response): Promise<void> {
    const { key } = await this.loadInvitation(req);
    this.checkCsrf(req, key);
    await this.checkFrame(req, res, key);
  }

  private async checkFrame(req: Request, res: Response, uid: string): Promise<void> {
    if (count(this.frameChecks, uid) > FRAME_CHECKS_PER_INTERACTION)
      throw new ApiError(429, 'too many frame checks for this sign-in', 'rate_limited');
    const bytes = (req.files as Express.Multer.File[] | undefined)?.find((f) => f.fieldname === 'frame')?.buffer;
    if (!bytes) throw new ApiError(400, "missing image field 'frame'", 'missing_field');
    const r = await this.faces.analyze(bytes, 'frame', { quality: true, liveness: this.config.livenessGate }, false, requestSignal(req));
    const feedback = (ok: boolean, code: string, message: string) => res.json({ ok, code, message });
    if (r.faces.length === 0) return void feedback(false, 'no_face', 'No face found: look at the camera, inside the oval.');
    if (r.faces.length > 1) return void feedback(false, 'several_faces', 'More than one face: only you should be in the picture.');
    const exposure = r.quality?.components.exposure;
    if (exposure && exposure.score < 30) return void feedback(false, 'too_dark', 'Too dark or too bright: face a light source.');
    if (this.config.livenessGate && r.liveness && r.liveness.score < this.config.livenessGateThreshold) {
      return void feedback(false, 'not_live', 'This does not look like a live person in front of the camera.');
    }
    feedback(true, 'ok', 'Hold still…');
  }

  private photo(req: Request): Buffer {
    const photo = (req.files as Express.Multer.File[] | undefined)?.find((f) => f.fieldname === 'photo')?.buffer;
    if (!photo) throw new ApiError(400, "missing image field 'photo'", 'missing_field');
    return photo;
  }

  /** POST /interaction/:uid/enrol: the first visit: mint the identity token, keep it (never the face), finish. */
  private async enrol(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    const { uid, it } = await this.load(req, res);
    this.checkCsrf(req, uid);
    if (it.subject.unsigned) throw new ApiError(403, 'enrolment needs the link from your administrator', 'not_enrolled');
    await this.mint(req, started, it, '/oidc/interaction/enrol');
    if (it.rp.profile === 'standard' && it.subject.username) await this.oidc.rememberUsername(it.subject.accountId, it.subject.username);
    const redirect = await this.finish(req, res, this.login(it));
    res.json({ ok: true, enrolled: true, redirect });
  }

  /** GET /enrol/:token: an enrolment link's page (no sign-in follows). */
  private async invitationPage(req: Request, res: Response): Promise<void> {
    const { key, it } = await this.loadInvitation(req);
    const base = this.oidc.mountPath === '/' ? '' : this.oidc.mountPath;
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.type('html').send(
      renderFacePage({
        base,
        action: `${base}/enrol/${encodeURIComponent(String(req.params.token))}`,
        csrf: this.csrf(key),
        mode: it.enrolment ? 'enrolled' : 'enrol',
        pin: it.rp.settings.pin === 'required',
        allowUpload: it.rp.settings.allow_upload,
        relyingParty: it.rp.name,
      }),
    );
  }

  /** POST /enrol/:token/enrol: the photo of an enrolment link: mint and keep the identity token, spend the link. */
  private async invitationEnrol(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    const { key, tokenHash, it } = await this.loadInvitation(req);
    this.checkCsrf(req, key);
    await this.mint(req, started, it, '/oidc/enrol', tokenHash);
    res.json({ ok: true, enrolled: true, done: true });
  }

  private login(it: Interaction): InteractionResults {
    return { login: { accountId: it.subject.accountId, acr: this.acr(it.rp), amr: ['face'], remember: false } };
  }

  /** Mints the identity token from the photo (and PIN) and stores it as the subject's enrolment; spends `invitation` when given. */
  private async mint(req: Request, started: bigint, it: Interaction, endpoint: string, invitation?: Buffer): Promise<void> {
    if (it.enrolment) throw new ApiError(409, 'already enrolled: verify instead', 'already_enrolled');
    const body = req.body as Record<string, unknown>;
    const password = this.secretOf(it, body.pin);
    await this.license.consumeCall();
    let g;
    try {
      g = await this.tokens.generate(
        it.principal,
        [this.photo(req)],
        { password, scope: `oidc:${it.rp.client_id}`, accuracy: it.rp.settings.accuracy, expiresAt: null },
        requestSignal(req),
      );
    } catch (err) {
      const m = mapError(err);
      await this.record(req, started, it, endpoint, m.status, { decision: null, errorCode: m.code });
      throw err;
    }
    if (invitation && !(await this.rps.useInvitation(invitation))) {
      await this.tokens.revoke(it.principal, { tokenId: g.tokenId });
      throw new ApiError(404, 'this enrolment link is unknown, used or expired: ask for a new one', 'invitation_not_found');
    }
    const inserted: unknown[] = await this.ds.query(
      `INSERT INTO oidc_enrolments (client_id, subject_hash, identity_token, token_id, created_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT DO NOTHING RETURNING 1`,
      [it.rp.client_id, it.subject.enrolmentKey, g.token, Buffer.from(g.tokenId, 'hex')],
    );
    const ref = tokenRef(Buffer.from(g.tokenId, 'hex'));
    if (!inserted.length) {
      // a concurrent enrolment of the same subject won: this token was never stored, so it is revoked
      await this.tokens.revoke(it.principal, { tokenId: g.tokenId });
      throw new ApiError(409, 'already enrolled: verify instead', 'already_enrolled');
    }
    await this.record(req, started, it, endpoint, 200, { decision: 'enrolled', tokenRef: ref, accuracy: it.rp.settings.accuracy });
  }

  /** POST /interaction/:uid/verify: a return visit: the face (and PIN) must open the stored token at the relying party's level. */
  private async verify(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    const { uid, it } = await this.load(req, res);
    this.checkCsrf(req, uid);
    if (!it.enrolment) throw new ApiError(409, 'not enrolled yet: enrol first', 'not_enrolled');
    const body = req.body as Record<string, unknown>;
    const password = this.secretOf(it, body.pin);
    await this.license.consumeCall();
    const token = it.enrolment.identity_token;
    const level = Math.max(it.rp.settings.accuracy, decodeToken(token).header.accuracy);
    const o = await this.tokens.authenticate(
      it.principal,
      token,
      this.photo(req),
      { password, scope: `oidc:${it.rp.client_id}`, accuracy: level },
      requestSignal(req),
    );
    const ref = tokenRef(o.tokenId);
    if (o.authenticated) {
      await this.record(req, started, it, '/oidc/interaction/verify', 200, { decision: 'authenticated', tokenRef: ref, accuracy: level });
      if (it.rp.profile === 'standard' && it.subject.username) await this.oidc.rememberUsername(it.subject.accountId, it.subject.username);
      const redirect = await this.finish(req, res, this.login(it));
      res.json({ ok: true, authenticated: true, redirect });
      return;
    }
    const decision = o.reason === 'not_live' ? 'presentation_attack_suspected' : 'not_authenticated';
    await this.record(req, started, it, '/oidc/interaction/verify', 200, {
      decision,
      errorCode: o.reason ?? null,
      tokenRef: ref,
      accuracy: level,
    });
    const attempt = count(this.attempts, uid);
    if ((o.reason === 'no_match' || o.reason === 'not_live') && attempt < ATTEMPTS_PER_INTERACTION) {
      res.json({
        ok: true,
        authenticated: false,
        reason: o.reason,
        message:
          o.reason === 'not_live'
            ? 'This does not look like a live person in front of the camera. Try again.'
            : it.rp.settings.pin === 'required'
              ? 'Face or PIN not recognised. Try again.'
              : 'Face not recognised. Try again.',
      });
      return;
    }
    // locked, revoked, expired, or too many attempts: this sign-in cannot succeed
    this.attempts.delete(uid);
    const redirect = await this.finish(req, res, { error: 'access_denied', error_description: `face verification refused (${o.reason})` });
    res.json({ ok: true, authenticated: false, reason: o.reason, redirect });
  }

  /** POST /interaction/:uid/abort: the user cancelled. */
  private async abort(req: Request, res: Response): Promise<void> {
    const started = process.hrtime.bigint();
    const { uid, it } = await this.load(req, res);
    this.checkCsrf(req, uid);
    await this.record(req, started, it, '/oidc/interaction/abort', 200, { decision: 'cancelled' });
    const redirect = await this.finish(req, res, { error: 'access_denied', error_description: 'the user cancelled' });
    res.json({ ok: true, redirect });
  }

  /**
   * Entra ID posts (or redirects) its authorization request with an id_token_hint that it issued,
   * already expired: oidc-provider would refuse it as its own id_token_hint. It is moved to
   * facenition_id_token_hint and checked on the face page against the tenant's keys.
   */
  private moveEntraHint(req: Request, _res: Response, next: NextFunction): void {
    const move = (params: Record<string, unknown>) => {
      if (typeof params.id_token_hint === 'string') {
        params.facenition_id_token_hint = params.id_token_hint;
        delete params.id_token_hint;
      }
    };
    if (req.method === 'POST' && req.body && typeof req.body === 'object') move(req.body as Record<string, unknown>);
    if (req.method === 'GET' && req.url.includes('id_token_hint=')) {
      const u = new URL(req.url, 'http://x');
      const q = Object.fromEntries(u.searchParams);
      move(q);
      req.url = `${u.pathname}?${new URLSearchParams(q as Record<string, string>).toString()}`;
    }
    next();
  }

  /** The router mounted at the provider's path: assets, the face page, its endpoints, then oidc-provider. */
  router(): Router {
    const r = express.Router();
    const upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: this.config.maxImageBytes, files: 1, fields: 4, fieldSize: 256, parts: 5 },
    }).any();
    const wrap =
      (f: (req: Request, res: Response) => Promise<void>) =>
      (req: Request, res: Response): void => {
        f(req, res).catch((err: unknown) => {
          const m = pageError(err);
          if (m.status >= 500) this.log.error(`interaction failed: ${err instanceof Error ? err.name : 'unknown'}`);
          if (!res.headersSent) res.status(m.status).json({ ok: false, error: withoutControls(m.error), code: m.code });
        });
      };
    r.use((_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    });
    const assets = assetFiles();
    r.get('/assets/:name', (req, res) => {
      const a = assets.get(req.params.name);
      if (!a) return void res.status(404).end();
      res.setHeader('Cache-Control', 'no-cache');
      res.type(a.type).send(a.body);
    });
    r.get(
      '/interaction/:uid',
      wrap((q, a) => this.page(q, a)),
    );
    r.post(
      '/interaction/:uid/frame',
      upload,
      wrap((q, a) => this.frame(q, a)),
    );
    r.post(
      '/interaction/:uid/enrol',
      upload,
      wrap((q, a) => this.enrol(q, a)),
    );
    r.post(
      '/interaction/:uid/verify',
      upload,
      wrap((q, a) => this.verify(q, a)),
    );
    r.post(
      '/interaction/:uid/abort',
      express.json({ limit: 1024 }),
      wrap((q, a) => this.abort(q, a)),
    );
    r.get(
      '/enrol/:token',
      wrap((q, a) => this.invitationPage(q, a)),
    );
    r.post(
      '/enrol/:token/frame',
      upload,
      wrap((q, a) => this.invitationFrame(q, a)),
    );
    r.post(
      '/enrol/:token/enrol',
      upload,
      wrap((q, a) => this.invitationEnrol(q, a)),
    );
    const moveHint = (req: Request, res: Response, next: NextFunction) => this.moveEntraHint(req, res, next);
    r.get('/auth', moveHint);
    r.post('/auth', express.urlencoded({ extended: false, limit: '56kb', parameterLimit: 50 }), moveHint);
    // a body the parsers refuse (malformed JSON, an upload over the size limit, too many parts)
    r.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (res.headersSent) return next(err);
      const m = pageError(err);
      if (m.status >= 500) this.log.error(`interaction request failed: ${err instanceof Error ? err.name : 'unknown'}`);
      res.status(m.status).json({ ok: false, error: withoutControls(m.error), code: m.code });
    });
    r.use((req, res) => {
      res.setHeader('Content-Security-Policy', PROVIDER_CSP);
      this.oidc.handle(req, res).catch((err: unknown) => {
        this.log.error(`provider request failed: ${err instanceof Error ? err.name : 'unknown'}`);
        if (!res.headersSent) res.status(500).json({ ok: false, error: 'internal error', code: 'internal' });
      });
    });
    return r;
  }
}

/** Counts one more event for a sign-in; the oldest sign-ins are forgotten beyond 10,000 (per process). */
function count(counts: Map<string, number>, key: string): number {
  const n = (counts.get(key) ?? 0) + 1;
  counts.set(key, n);
  if (counts.size > 10_000) counts.delete(counts.keys().next().value!);
  return n;
}

/**
 * The answer to a failed face-page request: the relying party's hint refused (403), a sign-in the
 * provider does not know or has forgotten (its errors carry a 4xx statusCode: no or expired cookie,
 * unknown interaction), a body the parsers refused (413 for an oversized upload), else the API's mapping.
 */
function pageError(err: unknown): { status: number; error: string; code: string } {
  if (err instanceof SubjectError) return { status: 403, error: err.message, code: 'subject_refused' };
  if (err instanceof multer.MulterError) {
    return err.code === 'LIMIT_FILE_SIZE'
      ? { status: 413, error: 'the photo is too large', code: 'payload_too_large' }
      : { status: 400, error: `malformed upload (${err.code.toLowerCase()})`, code: 'invalid_body' };
  }
  const e = err as { statusCode?: unknown; status?: unknown; error?: unknown; type?: unknown } | null;
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined;
  if (status !== undefined && status >= 400 && status < 500) {
    if (typeof e?.error === 'string') {
      // oidc-provider: SessionNotFound and the like
      return {
        status: 400,
        error: 'this sign-in is unknown or has expired: start again from the application',
        code: 'interaction_not_found',
      };
    }
    return {
      status,
      error: status === 413 ? 'the request is too large' : 'malformed request body',
      code: status === 413 ? 'payload_too_large' : 'invalid_body',
    };
  }
  return mapError(err);
}

/** The page's script and style, and the capture component: read once at start (served from memory). */
function assetFiles(): Map<string, { type: string; body: Buffer }> {
  const files = new Map<string, { type: string; body: Buffer }>();
  const add = (name: string, path: string, type: string) => {
    try {
      files.set(name, { type, body: readFileSync(path) });
    } catch {
      // absent in a build without the capture component: the page then says the camera is unavailable
    }
  };
  const here = join(__dirname, 'assets');
  add('face-page.js', join(here, 'face-page.js'), 'application/javascript');
  add('face-page.css', join(here, 'face-page.css'), 'text/css');
  add('facenition-capture.js', join(installRoot(), 'libs/capture/dist/facenition-capture.js'), 'application/javascript');
  return files;
}

import { Logger, type INestApplication, type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import helmet from 'helmet';
import { readFileSync } from 'node:fs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Clock } from '@facenition/clients';
import { FacePool } from '@facenition/face';
import { loadLicenseFile, VENDOR_PUBLIC_KEYS } from '@facenition/license';
import { AppModule } from './app.module';
import { resolveAdminToken, type AdminTokenSource } from './common/admin-token';
import { JsonLogger } from './common/json-logger';
import type { AppConfig } from './config';
import { loadCalibration } from './face/calibration';
import { FACE_POOL } from './face/face.tokens';
import { OidcInteractions } from './oidc/interactions';
import { OidcProvider } from './oidc/oidc.provider';

const LEVELS: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];

/** The application's logger for FACENITION_LOG_FORMAT and FACENITION_LOG_LEVEL (Nest's text logger takes the enabled levels). */
export function appLogger(config: Pick<AppConfig, 'logFormat' | 'logLevel'>): LoggerService | LogLevel[] {
  return config.logFormat === 'json' ? new JsonLogger(config.logLevel) : LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1);
}

export interface CreatedApp {
  app: INestApplication;
  pool: FacePool;
}

/** Builds the Nest application (not yet listening, face workers not yet started). */
export async function createApp(
  config: AppConfig,
  opts: { logger?: false | LoggerService | LogLevel[]; adminToken?: string; licenseKeys?: readonly string[]; clock?: Clock } = {},
): Promise<CreatedApp> {
  // a tampered, wrongly signed, malformed or missing licence file stops the start here, before the database or models
  const license = config.licenseFile ? loadLicenseFile(config.licenseFile, opts.licenseKeys ?? VENDOR_PUBLIC_KEYS) : undefined;
  // so does an unreadable, altered, foreign-model or non-monotone calibration file
  const calibration = config.calibrationFile ? loadCalibration(config.calibrationFile) : undefined;
  const source = opts.adminToken ? undefined : resolveAdminToken(config);
  const adminToken = opts.adminToken ?? source!.token;
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, adminToken, license, opts.clock, calibration), {
    bodyParser: false,
    ...(config.tls ? { httpsOptions: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
    abortOnError: false,
    logger: opts.logger ?? appLogger(config),
  });
  app.disable('x-powered-by');
  // helmet's defaults (CSP, frame, referrer, HSTS, cross-origin policies, nosniff); Cache-Control: no-store is set per request
  app.use(helmet());
  // the OpenID Connect provider and its face page are mounted at the issuer's path, ahead of the API's own middleware
  if (config.oidcIssuer) {
    const oidc = app.get(OidcProvider);
    app.use(oidc.mountPath, app.get(OidcInteractions).router());
  }
  app.set('trust proxy', false);
  if (config.basePath) app.setGlobalPrefix(config.basePath);
  // logged after creation so it goes through the application's logger
  if (source) announceAdminToken(source);
  return { app, pool: app.get<FacePool>(FACE_POOL) };
}

function announceAdminToken(src: AdminTokenSource): void {
  const log = new Logger('Auth');
  if (src.generated) {
    // the credential itself never goes to the log (logs are shipped and kept); an operator at a
    // terminal sees it once on that terminal, everyone else reads the file
    log.warn(`generated the admin credential into ${src.origin} (mode 0600): read it from that file`);
    if (process.stdout.isTTY) process.stdout.write(`\nAdmin credential (shown once, also in ${src.origin}): ${src.token}\n\n`);
  } else {
    log.log(`admin client token from ${src.origin}`);
  }
}

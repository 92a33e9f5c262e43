import { Logger, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AuditModule } from '@facenition/audit';
import { ClientsModule, type Clock } from '@facenition/clients';
import { FacePool } from '@facenition/face';
import type { License } from '@facenition/license';
import type { Pepper } from '@facenition/tokenisation';
import { AuditController } from './audit/audit.controller';
import { RetentionService } from './audit/retention.service';
import { ClientsController } from './clients/clients.controller';
import { AuditInterceptor } from './common/audit.interceptor';
import { AuditRecorder } from './common/audit-recorder';
import { ADMIN_TOKEN, AuthGuard } from './common/auth.guard';
import { BodyMiddleware } from './common/body.middleware';
import { EarlyAuthMiddleware, PublicRoutes } from './common/early-auth.middleware';
import { ErrorFilter } from './common/error.filter';
import { RequestLogMiddleware } from './common/request-log.middleware';
import { APP_CONFIG, type AppConfig } from './config';
import { ApiEdge } from './contract/edge';
import { DatabaseModule } from './database/database.module';
import { OidcInteractions } from './oidc/interactions';
import { OidcAdminController } from './oidc/oidc.controller';
import { OidcProvider } from './oidc/oidc.provider';
import { RelyingParties } from './oidc/relying-parties';
import { OidcSigningKeys } from './oidc/signing-keys';
import { FaceController } from './face/face.controller';
import { FaceService } from './face/face.service';
import { FACE_POOL } from './face/face.tokens';
import type { ActiveCalibration } from './face/calibration';
import { CALIBRATION, ThresholdService } from './face/calibration.service';
import { facePoolOptions } from './face/face-pool.options';
import { HealthController } from './health/health.controller';
import { ShutdownState } from './health/shutdown';
import { EnrolmentStatusController } from './integrations/enrolment-status.controller';
import { FaceVerifications } from './integrations/face-verifications';
import { SignedResults } from './integrations/signed-result';
import { TokenHooksController } from './integrations/token-hooks.controller';
import { LicenseController } from './license/license.controller';
import { LicenseRepository } from './license/license.repository';
import { LICENSE, LicenseService } from './license/license.service';
import { MetricsService } from './metrics/metrics.service';
import { IdentityTokenController } from './tokens/identity-token.controller';
import { StatusListController } from './tokens/status-list.controller';
import { StatusListService } from './tokens/status-list.service';
import { IdentityTokenRepository } from './tokens/identity-token.repository';
import { IdentityTokenService, PEPPER } from './tokens/identity-token.service';
import { RosterService } from './tokens/roster.service';
import { KdfGate } from './tokens/kdf-gate';
import { DeploymentKeys, resolvePepperRing } from './tokens/pepper';

@Module({})
export class AppModule implements NestModule {
  /**
   * `clock` (default: wall time) is the CLOCK of every expiry decision: client and access tokens, identity tokens.
   * `calibration`: FACENITION_CALIBRATION_FILE as loaded and checked (undefined: built-in thresholds).
   */
  static forRoot(config: AppConfig, adminToken: string, license?: License, clock?: Clock, calibration?: ActiveCalibration): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot(config),
        ClientsModule.forRoot({
          rotationGraceSeconds: config.rotationGraceSeconds,
          accessTokenTtlSeconds: config.accessTokenTtlSeconds,
          authLimit: { maxFailures: config.authMaxFailures, windowSeconds: config.authWindowSeconds },
          clock,
        }),
        AuditModule,
        DiscoveryModule,
      ],
      controllers: [
        HealthController,
        FaceController,
        ClientsController,
        AuditController,
        IdentityTokenController,
        StatusListController,
        OidcAdminController,
        TokenHooksController,
        EnrolmentStatusController,
        LicenseController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ADMIN_TOKEN, useValue: adminToken },
        { provide: 'LIVENESS_THRESHOLD', useValue: config.livenessThreshold },
        {
          provide: FACE_POOL,
          useFactory: () => new FacePool(facePoolOptions(config)),
        },
        MetricsService,
        ShutdownState,
        { provide: LICENSE, useValue: license },
        LicenseRepository,
        LicenseService,
        { provide: CALIBRATION, useValue: calibration },
        ThresholdService,
        FaceService,
        {
          provide: DeploymentKeys,
          useFactory: async () => {
            const r = await resolvePepperRing(config);
            const hex = (p: Pepper) => Buffer.from(p.keyId).toString('hex');
            const retired = r.ring.previous.length ? `; retired keys still verifying: ${r.ring.previous.map(hex).join(', ')}` : '';
            new Logger('Tokens').log(
              `${r.generated ? 'generated the deployment key into' : 'deployment key from'} ${r.origin} (key id ${hex(r.ring.current)})${retired}`,
            );
            return new DeploymentKeys(r);
          },
        },
        { provide: PEPPER, useFactory: (keys: DeploymentKeys) => keys.ring, inject: [DeploymentKeys] },
        IdentityTokenRepository,
        IdentityTokenService,
        RosterService,
        KdfGate,
        StatusListService,
        AuditRecorder,
        RetentionService,
        PublicRoutes,
        ApiEdge,
        OidcSigningKeys,
        OidcProvider,
        RelyingParties,
        OidcInteractions,
        SignedResults,
        FaceVerifications,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useClass: ErrorFilter },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware, EarlyAuthMiddleware, BodyMiddleware).forRoutes('*');
  }
}

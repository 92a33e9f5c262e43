import { Module, type DynamicModule } from '@nestjs/common';
import { AUTH_LIMIT_OPTIONS, AuthRateLimiter, type AuthLimitOptions } from './auth-rate-limiter';
import { CLIENTS_OPTIONS, ClientsService, CLOCK, type ClientsOptions, type Clock } from './clients.service';
import { QuotaService } from './quota.service';

/** Client tokens, quotas and the auth rate limiter. Needs a DATA_SOURCE provider from the importing app. */
@Module({})
export class ClientsModule {
  static forRoot(opts: ClientsOptions & { authLimit: AuthLimitOptions; clock?: Clock }): DynamicModule {
    return {
      module: ClientsModule,
      providers: [
        { provide: CLIENTS_OPTIONS, useValue: opts },
        { provide: AUTH_LIMIT_OPTIONS, useValue: opts.authLimit },
        { provide: CLOCK, useValue: opts.clock ?? (() => new Date()) },
        ClientsService,
        QuotaService,
        AuthRateLimiter,
      ],
      exports: [ClientsService, QuotaService, AuthRateLimiter, CLOCK],
    };
  }
}

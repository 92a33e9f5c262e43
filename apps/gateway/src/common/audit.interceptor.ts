import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { mergeMap, type Observable } from 'rxjs';
import { AuditRecorder } from './audit-recorder';
import { AuditedAnswer } from './audited';

/** Success path: the audit record (with the facts a handler stated, AuditedAnswer) is committed before the response body is released. */
@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(private readonly recorder: AuditRecorder) {}

  intercept(ec: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ec.switchToHttp().getRequest<Request>();
    const res = ec.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        if (body instanceof AuditedAnswer) {
          const answered = body as AuditedAnswer<object>;
          await this.recorder.record(req, res.statusCode, null, answered.facts);
          return answered.body;
        }
        await this.recorder.record(req, res.statusCode, null);
        return body;
      }),
    );
  }
}

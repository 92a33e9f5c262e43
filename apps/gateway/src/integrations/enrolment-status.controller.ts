import { Controller, Inject, Req } from '@nestjs/common';
import { DATA_SOURCE } from '@facenition/database';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import { ApiError, badRequest } from '../common/api-error';
import { answer } from '../common/audited';
import { context } from '../common/request-context';
import { ENROLMENT_STATUS } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { RelyingParties } from '../oidc/relying-parties';
import { entraSubjectName, loginHintSubjectName, subjectKey } from '../oidc/subjects';

const RP_TENANT = /^oidc:(fo_[A-Za-z0-9_-]{16})$/;
const ENTRA_SUBJECT =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * Enrolment status on the hosted face page, for a relying party's own integrations (e.g. a
 * OneLogin pre-authentication Smart Hook choosing the user's policy): the caller must be a client
 * of the relying party's tenant (oidc:<client_id>); the answer is only whether the face page holds
 * an enrolment (an identity token) for the subject. Nothing is written.
 */
@Controller()
export class EnrolmentStatusController {
  constructor(
    private readonly edge: ApiEdge,
    private readonly rps: RelyingParties,
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
  ) {}

  @Endpoint(ENROLMENT_STATUS)
  async enrolmentStatus(@Req() req: Request) {
    const { query } = await this.edge.accept(req, ENROLMENT_STATUS);
    const m = RP_TENANT.exec(context(req).principal!.tenant);
    if (!m)
      throw new ApiError(403, "only a client of a relying party's tenant (oidc:<client_id>) may ask for enrolment status", 'forbidden');
    const active = await this.rps.active(m[1]);
    if (!active) throw new ApiError(403, "this client's relying party is unknown or disabled", 'forbidden');
    const rp = active.rp;
    let name: string;
    if (rp.profile === 'entra_eam') {
      const e = ENTRA_SUBJECT.exec(query.subject);
      if (!e) throw badRequest("'subject' of an entra_eam relying party must be <tenant id>:<object id>", 'invalid_field');
      name = entraSubjectName(e[1], e[2]);
    } else {
      name = loginHintSubjectName(query.subject);
    }
    const rows: unknown[] = await this.ds.query(`SELECT 1 FROM oidc_enrolments WHERE client_id = $1 AND subject_hash = $2`, [
      rp.client_id,
      subjectKey(await this.rps.subjectRoot(), rp.client_id, name),
    ]);
    const enrolled = rows.length > 0;
    return answer({ ok: true, enrolled }, { decision: enrolled ? 'enrolled' : 'not_enrolled' });
  }
}

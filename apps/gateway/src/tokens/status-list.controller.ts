import { Controller, Req } from '@nestjs/common';
import type { Request } from 'express';
import { EXPORT_STATUS_LIST, IMPORT_STATUS_LIST, RESET_STATUS_LIST_SOURCE, STATUS_LIST_SOURCES } from '../contract/api';
import { ApiEdge } from '../contract/edge';
import { Endpoint } from '../contract/endpoint';
import { StatusListService } from './status-list.service';

@Controller()
export class StatusListController {
  constructor(
    private readonly lists: StatusListService,
    private readonly edge: ApiEdge,
  ) {}

  @Endpoint(EXPORT_STATUS_LIST)
  async exportStatusList(@Req() req: Request) {
    await this.edge.accept(req, EXPORT_STATUS_LIST);
    const r = await this.lists.exportStatusList();
    return { ok: true, entries: r.entries, status_list: JSON.parse(r.document) as unknown };
  }

  @Endpoint(IMPORT_STATUS_LIST)
  async importStatusList(@Req() req: Request) {
    const { document } = await this.edge.accept(req, IMPORT_STATUS_LIST);
    const doc = document && typeof document === 'object' && 'status_list' in document ? document.status_list : document;
    const r = await this.lists.importStatusList(doc);
    return { ok: true, issuer: r.issuer, issued_at: r.issuedAt.toISOString(), entries: r.entries, replaced_entries: r.replaced };
  }

  @Endpoint(STATUS_LIST_SOURCES)
  async statusListSources(@Req() req: Request) {
    await this.edge.accept(req, STATUS_LIST_SOURCES);
    return { ok: true, sources: await this.lists.statusListSources() };
  }

  @Endpoint(RESET_STATUS_LIST_SOURCE)
  async resetSource(@Req() req: Request) {
    const { params } = await this.edge.accept(req, RESET_STATUS_LIST_SOURCE);
    return { ok: true, source: await this.lists.resetSource(params.issuer) };
  }
}

import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ConfigStoreService } from '../config-store/config-store.service';
import type { ConfigRevision, ConfigRevisionSummary } from '../config-store/config-revision';
import { AdminRequests, sendChange, withVersion } from '../http/admin-requests';

interface VersionView extends Omit<ConfigRevisionSummary, 'createdAt'> {
  readonly createdAt: string;
  readonly active: boolean;
}

/**
 * `/admin/v1/versions`: the history, newest first (every change is a revision; a document that comes
 * back, e.g. by a rollback, is a new revision with an old version). `POST …/{version}/activate` rolls
 * back (or forward) to that document.
 */
@Controller('admin/v1/versions')
export class VersionsController {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
  ) {}

  @Get()
  async list(
    @Query('limit') limitParam: string | undefined,
    @Query('before') beforeParam: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: VersionView[]; active: string }> {
    await this.requests.principal(req);
    const limit = integer(limitParam, 'limit', 50, 1, 500);
    const before =
      beforeParam === undefined ? undefined : integer(beforeParam, 'before', 0, 1, Number.MAX_SAFE_INTEGER);
    const active = await this.store.active();
    const rows = await this.store.versions(limit, before);
    return withVersion(reply, active.version, {
      active: active.version,
      data: rows.map((row) => view(row, active)),
    });
  }

  @Get(':version')
  async get(
    @Param('version') version: string,
    @Req() req: FastifyRequest,
  ): Promise<VersionView & { document: ConfigRevision['document'] }> {
    await this.requests.principal(req);
    const [found, active] = await Promise.all([this.store.version(version), this.store.active()]);
    return { ...view(found, active), document: found.document };
  }

  @Post(':version/activate')
  async activate(
    @Param('version') version: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    sendChange(reply, await this.store.activate(version, context));
  }
}

function view(row: ConfigRevisionSummary, active: ConfigRevision): VersionView {
  return { ...row, createdAt: row.createdAt.toISOString(), active: row.revision === active.revision };
}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new GatewayError('invalid_request', `${name} must be an integer from ${min} to ${max}.`, {
      param: name,
    });
  return n;
}

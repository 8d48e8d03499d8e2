import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApplicationSchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import { ConfigStoreService } from '../config-store/config-store.service';
import type { JsonObject } from '../config-store/config-revision';
import {
  addEntry,
  applicationList,
  findEntry,
  removeEntry,
  replaceEntry,
} from '../config-store/document-entries';
import { applyMergePatch } from '../config-store/merge-patch';
import { AdminRequests, sendChange, objectBody, withVersion } from '../http/admin-requests';

/**
 * `/admin/v1/applications`: the `applications` entries of the document, whole (endpoints and every
 * policy block the schema has: routing, limits, cache, memory…). `PATCH` is a JSON merge patch (RFC
 * 7396) of one application; each write is validated as a whole document and makes a new version.
 */
@Controller('admin/v1/applications')
export class ApplicationsController {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
  ) {}

  @Get()
  async list(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: JsonObject[] }> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, { data: applicationList.read(active.document) });
  }

  @Get(':id')
  async get(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, findEntry(applicationList, active.document, id));
  }

  @Post()
  async create(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = await this.requests.write(req);
    const app = validateEntry(ApplicationSchema, objectBody(body), 'application');
    const result = await this.store.change({
      ...context,
      summary: `added application ${String(app.id)}`,
      edit: (document) => addEntry(applicationList, document, app),
    });
    sendChange(reply, result, { data: app, created: true });
  }

  @Put(':id')
  async replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const app = validateEntry(ApplicationSchema, { id, ...objectBody(body) }, 'application');
    const result = await this.store.change({
      ...context,
      summary: `replaced application ${id}`,
      edit: (document) => replaceEntry(applicationList, document, id, app),
    });
    sendChange(reply, result, { data: app });
  }

  @Patch(':id')
  async patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const patch = objectBody(body);
    let patched: JsonObject = {};
    const result = await this.store.change({
      ...context,
      summary: `patched application ${id} (${Object.keys(patch).join(', ')})`,
      edit: (document) => {
        patched = applyMergePatch(findEntry(applicationList, document, id), patch) as JsonObject;
        validateEntry(ApplicationSchema, patched, 'application');
        return replaceEntry(applicationList, document, id, patched);
      },
    });
    sendChange(reply, result, { data: patched });
  }

  @Delete(':id')
  async remove(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const result = await this.store.change({
      ...context,
      summary: `removed application ${id}`,
      edit: (document) => removeEntry(applicationList, document, id),
    });
    sendChange(reply, result);
  }
}

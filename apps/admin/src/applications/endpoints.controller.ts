import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { EndpointSchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import { ConfigStoreService } from '../config-store/config-store.service';
import type { JsonObject } from '../config-store/config-revision';
import {
  addEntry,
  endpointList,
  findEntry,
  removeEntry,
  replaceEntry,
} from '../config-store/document-entries';
import { applyMergePatch } from '../config-store/merge-patch';
import { AdminRequests, sendChange, objectBody, withVersion } from '../http/admin-requests';

/** `/admin/v1/applications/{id}/endpoints`: one application's backends, in priority order of the list. */
@Controller('admin/v1/applications/:appId/endpoints')
export class EndpointsController {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
  ) {}

  @Get()
  async list(
    @Param('appId') appId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: JsonObject[] }> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, { data: endpointList(appId).read(active.document) });
  }

  @Get(':id')
  async get(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, findEntry(endpointList(appId), active.document, id));
  }

  @Post()
  async create(
    @Param('appId') appId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const endpoint = validateEntry(EndpointSchema, objectBody(body), 'endpoint');
    const result = await this.store.change({
      ...context,
      summary: `added endpoint ${String(endpoint.id)} to application ${appId}`,
      edit: (document) => addEntry(endpointList(appId), document, endpoint),
    });
    sendChange(reply, result, { data: endpoint, created: true });
  }

  @Put(':id')
  async replace(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const endpoint = validateEntry(EndpointSchema, { id, ...objectBody(body) }, 'endpoint');
    const result = await this.store.change({
      ...context,
      summary: `replaced endpoint ${id} of application ${appId}`,
      edit: (document) => replaceEntry(endpointList(appId), document, id, endpoint),
    });
    sendChange(reply, result, { data: endpoint });
  }

  @Patch(':id')
  async patch(
    @Param('appId') appId: string,
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
      summary: `patched endpoint ${id} of application ${appId}`,
      edit: (document) => {
        const endpoints = endpointList(appId);
        patched = applyMergePatch(findEntry(endpoints, document, id), patch) as JsonObject;
        validateEntry(EndpointSchema, patched, 'endpoint');
        return replaceEntry(endpoints, document, id, patched);
      },
    });
    sendChange(reply, result, { data: patched });
  }

  @Delete(':id')
  async remove(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const result = await this.store.change({
      ...context,
      summary: `removed endpoint ${id} of application ${appId}`,
      edit: (document) => removeEntry(endpointList(appId), document, id),
    });
    sendChange(reply, result);
  }
}

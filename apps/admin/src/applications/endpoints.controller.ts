import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { EndpointSchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import type { JsonObject } from '../config-store/config-revision';
import { endpointList, findEntry } from '../config-store/document-entries';
import { objectBody } from '../http/admin-requests';
import { EntryResource, added, patched, removed, replaced } from '../http/entry-resource';

/** `/admin/v1/applications/{id}/endpoints`: one application's backends, in priority order of the list. */
@Controller('admin/v1/applications/:appId/endpoints')
export class EndpointsController {
  constructor(private readonly entries: EntryResource) {}

  @Get()
  list(
    @Param('appId') appId: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: JsonObject[] }> {
    return this.entries.read(req, reply, (document) => ({ data: endpointList(appId).read(document) }));
  }

  @Get(':id')
  get(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    return this.entries.read(req, reply, (document) => findEntry(endpointList(appId), document, id));
  }

  @Post()
  create(
    @Param('appId') appId: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => {
      const endpoints = endpointList(appId);
      const endpoint = validateEntry(EndpointSchema, objectBody(body), endpoints.what);
      return {
        summary: `added endpoint ${String(endpoint.id)} to application ${appId}`,
        edit: added(endpoints, endpoint),
        created: true,
      };
    });
  }

  @Put(':id')
  replace(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => {
      const endpoints = endpointList(appId);
      const endpoint = validateEntry(EndpointSchema, { id, ...objectBody(body) }, endpoints.what);
      return {
        summary: `replaced endpoint ${id} of application ${appId}`,
        edit: replaced(endpoints, id, () => endpoint),
      };
    });
  }

  @Patch(':id')
  patch(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => ({
      summary: `patched endpoint ${id} of application ${appId}`,
      edit: patched(endpointList(appId), id, objectBody(body), EndpointSchema),
    }));
  }

  @Delete(':id')
  remove(
    @Param('appId') appId: string,
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => ({
      summary: `removed endpoint ${id} of application ${appId}`,
      edit: removed(endpointList(appId), id),
    }));
  }
}

import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApplicationSchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import type { JsonObject } from '../config-store/config-revision';
import { applicationList, findEntry } from '../config-store/document-entries';
import { objectBody } from '../http/admin-requests';
import { EntryResource, added, patched, removed, replaced } from '../http/entry-resource';

/**
 * `/admin/v1/applications`: the `applications` entries of the document, whole (endpoints and every
 * policy block the schema has: routing, limits, cache, memory…). `PATCH` is a JSON merge patch (RFC
 * 7396) of one application; each write is validated as a whole document and makes a new version.
 */
@Controller('admin/v1/applications')
export class ApplicationsController {
  constructor(private readonly entries: EntryResource) {}

  @Get()
  list(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: JsonObject[] }> {
    return this.entries.read(req, reply, (document) => ({ data: applicationList.read(document) }));
  }

  @Get(':id')
  get(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    return this.entries.read(req, reply, (document) => findEntry(applicationList, document, id));
  }

  @Post()
  create(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => {
      const app = validateEntry(ApplicationSchema, objectBody(body), applicationList.what);
      return {
        summary: `added application ${String(app.id)}`,
        edit: added(applicationList, app),
        created: true,
      };
    });
  }

  @Put(':id')
  replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => {
      const app = validateEntry(ApplicationSchema, { id, ...objectBody(body) }, applicationList.what);
      return { summary: `replaced application ${id}`, edit: replaced(applicationList, id, () => app) };
    });
  }

  @Patch(':id')
  patch(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.entries.write(req, reply, () => {
      const patch = objectBody(body);
      return {
        summary: `patched application ${id} (${Object.keys(patch).join(', ')})`,
        edit: patched(applicationList, id, patch, ApplicationSchema),
      };
    });
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => ({
      summary: `removed application ${id}`,
      edit: removed(applicationList, id),
    }));
  }
}

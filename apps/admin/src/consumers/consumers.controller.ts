import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiKeySchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import type { JsonObject } from '../config-store/config-revision';
import { consumerList, findEntry } from '../config-store/document-entries';
import { objectBody } from '../http/admin-requests';
import { EntryResource, added, patched, removed, replaced } from '../http/entry-resource';
import { REVOKED_SHA256, consumerView, newKey, withKey } from './consumer-keys';

/**
 * `/admin/v1/consumers`: the `auth.keys` entries (id, applications, and whatever else the schema
 * allows: environment, limits…). A consumer created without `sha256` or `env` gets a generated key;
 * `POST …/keys` replaces its key with a new one (the old one stops working), `DELETE …/keys` revokes
 * it. A generated key is in that one response (`key`) and nowhere else: only its SHA-256 is stored.
 */
@Controller('admin/v1/consumers')
export class ConsumersController {
  constructor(private readonly entries: EntryResource) {}

  @Get()
  list(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ data: JsonObject[] }> {
    return this.entries.read(req, reply, (document) => ({
      data: consumerList.read(document).map(consumerView),
    }));
  }

  @Get(':id')
  get(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    return this.entries.read(req, reply, (document) => consumerView(findEntry(consumerList, document, id)));
  }

  @Post()
  create(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => {
      const given = objectBody(body);
      const generated = given.sha256 === undefined && given.env === undefined ? newKey() : null;
      const consumer = validateEntry(
        ApiKeySchema,
        generated ? withKey(given, generated.sha256) : given,
        consumerList.what,
      );
      return {
        summary: `added consumer ${String(consumer.id)}`,
        edit: added(consumerList, consumer),
        created: true,
        key: generated?.key,
        view: consumerView,
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
      const given = { id, ...objectBody(body) };
      return {
        summary: `replaced consumer ${id}`,
        edit: replaced(consumerList, id, (current) =>
          validateEntry(ApiKeySchema, keepCredential(current, given), consumerList.what),
        ),
        view: consumerView,
      };
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
      // Switching to `env` drops the digest (one credential per entry).
      const base = (current: JsonObject): JsonObject =>
        JSON.parse(
          JSON.stringify(
            patch.env !== undefined && patch.env !== null ? { ...current, sha256: undefined } : current,
          ),
        ) as JsonObject;
      return {
        summary: `patched consumer ${id} (${Object.keys(patch).join(', ')})`,
        edit: patched(consumerList, id, patch, ApiKeySchema, base),
        view: consumerView,
      };
    });
  }

  @Delete(':id')
  remove(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => ({
      summary: `removed consumer ${id}`,
      edit: removed(consumerList, id),
    }));
  }

  /** A new key for the consumer, replacing the one it had; returned once, in `key`. */
  @Post(':id/keys')
  createKey(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => {
      const generated = newKey();
      return {
        summary: `new key for consumer ${id}`,
        edit: replaced(consumerList, id, (current) => withKey(current, generated.sha256)),
        created: true,
        key: generated.key,
        view: consumerView,
      };
    });
  }

  /** Revokes the consumer's key: it keeps its settings, and no client authenticates as it. */
  @Delete(':id/keys')
  revokeKey(@Param('id') id: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.entries.write(req, reply, () => ({
      summary: `revoked the key of consumer ${id}`,
      edit: replaced(consumerList, id, (current) => withKey(current, REVOKED_SHA256)),
      view: consumerView,
    }));
  }
}

/** A replacement without a credential keeps the consumer's current one (keys are not resent). */
function keepCredential(current: JsonObject, given: JsonObject): JsonObject {
  if (given.sha256 !== undefined || given.env !== undefined) return given;
  return current.sha256 !== undefined ? { ...given, sha256: current.sha256 } : { ...given, env: current.env };
}

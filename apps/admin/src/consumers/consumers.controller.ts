import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiKeySchema } from '@aigw/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import { ConfigStoreService } from '../config-store/config-store.service';
import type { JsonObject } from '../config-store/config-revision';
import {
  addEntry,
  consumerList,
  findEntry,
  removeEntry,
  replaceEntry,
} from '../config-store/document-entries';
import { applyMergePatch } from '../config-store/merge-patch';
import { AdminRequests, sendChange, objectBody, withVersion } from '../http/admin-requests';
import { REVOKED_SHA256, consumerView, newKey, withKey } from './consumer-keys';

/**
 * `/admin/v1/consumers`: the `auth.keys` entries (id, applications, and whatever else the schema
 * allows: environment, limits…). A consumer created without `sha256` or `env` gets a generated key;
 * `POST …/keys` replaces its key with a new one (the old one stops working), `DELETE …/keys` revokes
 * it. A generated key is in that one response (`key`) and nowhere else: only its SHA-256 is stored.
 */
@Controller('admin/v1/consumers')
export class ConsumersController {
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
    return withVersion(reply, active.version, { data: consumerList.read(active.document).map(consumerView) });
  }

  @Get(':id')
  async get(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<JsonObject> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, consumerView(findEntry(consumerList, active.document, id)));
  }

  @Post()
  async create(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = await this.requests.write(req);
    const given = objectBody(body);
    const generated = given.sha256 === undefined && given.env === undefined ? newKey() : null;
    const consumer = validateEntry(
      ApiKeySchema,
      generated ? withKey(given, generated.sha256) : given,
      'consumer',
    );
    const result = await this.store.change({
      ...context,
      summary: `added consumer ${String(consumer.id)}`,
      edit: (document) => addEntry(consumerList, document, consumer),
    });
    sendChange(reply, result, { data: consumerView(consumer), key: generated?.key, created: true });
  }

  @Put(':id')
  async replace(
    @Param('id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const given = { id, ...objectBody(body) };
    let consumer: JsonObject = given;
    const result = await this.store.change({
      ...context,
      summary: `replaced consumer ${id}`,
      edit: (document) => {
        consumer = keepCredential(findEntry(consumerList, document, id), given);
        validateEntry(ApiKeySchema, consumer, 'consumer');
        return replaceEntry(consumerList, document, id, consumer);
      },
    });
    sendChange(reply, result, { data: consumerView(consumer) });
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
    let consumer: JsonObject = {};
    const result = await this.store.change({
      ...context,
      summary: `patched consumer ${id} (${Object.keys(patch).join(', ')})`,
      edit: (document) => {
        const current = findEntry(consumerList, document, id);
        // Switching to `env` drops the digest (one credential per entry).
        const base =
          patch.env !== undefined && patch.env !== null ? { ...current, sha256: undefined } : current;
        consumer = applyMergePatch(JSON.parse(JSON.stringify(base)) as JsonObject, patch) as JsonObject;
        validateEntry(ApiKeySchema, consumer, 'consumer');
        return replaceEntry(consumerList, document, id, consumer);
      },
    });
    sendChange(reply, result, { data: consumerView(consumer) });
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
      summary: `removed consumer ${id}`,
      edit: (document) => removeEntry(consumerList, document, id),
    });
    sendChange(reply, result);
  }

  /** A new key for the consumer, replacing the one it had; returned once, in `key`. */
  @Post(':id/keys')
  async createKey(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    const generated = newKey();
    let consumer: JsonObject = {};
    const result = await this.store.change({
      ...context,
      summary: `new key for consumer ${id}`,
      edit: (document) => {
        consumer = withKey(findEntry(consumerList, document, id), generated.sha256);
        return replaceEntry(consumerList, document, id, consumer);
      },
    });
    sendChange(reply, result, { data: consumerView(consumer), key: generated.key, created: true });
  }

  /** Revokes the consumer's key: it keeps its settings, and no client authenticates as it. */
  @Delete(':id/keys')
  async revokeKey(
    @Param('id') id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const context = await this.requests.write(req);
    let consumer: JsonObject = {};
    const result = await this.store.change({
      ...context,
      summary: `revoked the key of consumer ${id}`,
      edit: (document) => {
        consumer = withKey(findEntry(consumerList, document, id), REVOKED_SHA256);
        return replaceEntry(consumerList, document, id, consumer);
      },
    });
    sendChange(reply, result, { data: consumerView(consumer) });
  }
}

/** A replacement without a credential keeps the consumer's current one (keys are not resent). */
function keepCredential(current: JsonObject, given: JsonObject): JsonObject {
  if (given.sha256 !== undefined || given.env !== undefined) return given;
  return current.sha256 !== undefined ? { ...given, sha256: current.sha256 } : { ...given, env: current.env };
}

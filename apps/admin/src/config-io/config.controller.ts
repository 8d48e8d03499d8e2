import { Body, Controller, Get, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { stringify } from 'yaml';
import { parseDocumentText } from '../config-store/config-document';
import { ConfigStoreService } from '../config-store/config-store.service';
import { AdminRequests, sendChange, withVersion } from '../http/admin-requests';

/**
 * `/admin/v1/config`: the whole document, in the config file's schema. `GET` exports it as YAML
 * (JSON when the client accepts `application/json` and not YAML); `PUT` imports a whole document
 * (YAML or JSON), validated with every problem and its path.
 */
@Controller('admin/v1/config')
export class ConfigController {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
  ) {}

  @Get()
  async export(
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    await this.requests.principal(req);
    const active = await this.store.active();
    withVersion(reply, active.version, null);
    if (wantsJson(req.headers.accept)) return active.document;
    void reply.type('application/yaml; charset=utf-8');
    return `# ai-gateway configuration, version ${active.version}\n${stringify(active.document)}`;
  }

  @Put()
  async import(@Body() body: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const context = await this.requests.write(req);
    const document = typeof body === 'string' ? parseDocumentText(body, 'the request body') : body;
    const result = await this.store.change({
      ...context,
      summary: 'imported a whole document',
      edit: () => structuredClone(document) as Record<string, unknown>,
    });
    sendChange(reply, result);
  }
}

function wantsJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return /application\/(json|[\w.+-]*\+json)/i.test(accept) && !/yaml/i.test(accept);
}

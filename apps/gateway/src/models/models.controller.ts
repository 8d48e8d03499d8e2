import { Controller, Get, Param, Req } from '@nestjs/common';
import { GatewayError } from '@aigw/contracts';
import type { ModelList, ModelObject } from '@aigw/openai-schema';
import type { FastifyRequest } from 'fastify';
import { ApplicationDirectory } from '../applications/application-directory';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';

const CREATED = Math.floor(Date.now() / 1000);

/** `GET /v1/models`: the applications (and their model aliases) the caller's key may use. */
@Controller('v1/models')
export class ModelsController {
  constructor(
    private readonly auth: ApiKeyAuthenticator,
    private readonly directory: ApplicationDirectory,
  ) {}

  @Get()
  list(@Req() req: FastifyRequest): ModelList {
    const consumer = this.auth.authenticate(req.headers, req.ip);
    const data = this.directory.applications
      .filter((app) => this.auth.mayUse(consumer, app.id))
      .flatMap((app) => [app.id, ...app.models].map((id) => model(id)));
    return { object: 'list', data };
  }

  @Get(':id')
  get(@Param('id') id: string, @Req() req: FastifyRequest): ModelObject {
    const consumer = this.auth.authenticate(req.headers, req.ip);
    const app = this.directory.resolve(id);
    if (!this.auth.mayUse(consumer, app.id)) {
      throw new GatewayError(
        'model_not_found',
        `The model "${id}" does not exist or you do not have access to it.`,
        {
          param: 'model',
        },
      );
    }
    return model(id);
  }
}

function model(id: string): ModelObject {
  return { id, object: 'model', created: CREATED, owned_by: 'ai-gateway' };
}

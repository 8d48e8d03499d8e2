import { Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DispatchCompletion } from './dispatch-completion.usecase';

/** The OpenAI-compatible inference routes, and the two path-routed dialects existing clients speak. */
@Controller()
export class CompletionsController {
  constructor(private readonly dispatch: DispatchCompletion) {}

  @HttpCode(200)
  @Post('v1/chat/completions')
  chat(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.dispatch.execute(req, reply, { kind: 'model', operation: 'chat' });
  }

  @HttpCode(200)
  @Post('v1/completions')
  completions(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.dispatch.execute(req, reply, { kind: 'model', operation: 'completions' });
  }

  @HttpCode(200)
  @Post('v1/embeddings')
  embeddings(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.dispatch.execute(req, reply, { kind: 'model', operation: 'embeddings' });
  }

  /** Azure OpenAI clients: `/openai/deployments/{deployment}/chat/completions?api-version=…`, `api-key` header. */
  @HttpCode(200)
  @Post('openai/deployments/:deployment/chat/completions')
  azureChat(
    @Param('deployment') deployment: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.dispatch.execute(req, reply, { kind: 'path', application: deployment, operation: 'chat' });
  }

  @HttpCode(200)
  @Post('openai/deployments/:deployment/completions')
  azureCompletions(
    @Param('deployment') deployment: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.dispatch.execute(req, reply, {
      kind: 'path',
      application: deployment,
      operation: 'completions',
    });
  }

  @HttpCode(200)
  @Post('openai/deployments/:deployment/embeddings')
  azureEmbeddings(
    @Param('deployment') deployment: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.dispatch.execute(req, reply, {
      kind: 'path',
      application: deployment,
      operation: 'embeddings',
    });
  }

  /** The ganrad openai-api-router route: the application (and so the operation) is in the path. */
  @HttpCode(200)
  @Post('api/v1/:env/apirouter/lb/:appId')
  ganrad(
    @Param('appId') appId: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.dispatch.execute(req, reply, { kind: 'path', application: appId, operation: null });
  }
}

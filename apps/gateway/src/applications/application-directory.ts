import type { ApplicationType, GatewayConfig, ResolvedApplication } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { Operation } from '@aigw/openai-schema';

const OPERATION_OF: Record<ApplicationType, Operation> = {
  chat: 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
};

/** Finds the AI application a request is for: by its id or a model alias it serves. */
export class ApplicationDirectory {
  private readonly byName = new Map<string, ResolvedApplication>();

  constructor(readonly config: Pick<GatewayConfig, 'applications'>) {
    for (const app of config.applications) {
      this.byName.set(app.id, app);
      for (const alias of app.models) this.byName.set(alias, app);
    }
  }

  get applications(): readonly ResolvedApplication[] {
    return this.config.applications;
  }

  resolve(name: string, param: string | null = 'model'): ResolvedApplication {
    const app = this.byName.get(name);
    if (!app) {
      throw new GatewayError(
        'model_not_found',
        `The model "${name}" does not exist or you do not have access to it.`,
        {
          param,
        },
      );
    }
    return app;
  }

  /** An application serves one operation; asking a chat application for embeddings is the client's mistake. */
  checkOperation(app: ResolvedApplication, operation: Operation, param: string | null = 'model'): void {
    if (OPERATION_OF[app.type] !== operation) {
      throw new GatewayError(
        'invalid_request',
        `The model "${app.id}" serves ${app.type} requests, not ${operation} requests.`,
        { param },
      );
    }
  }

  operationOf(app: ResolvedApplication): Operation {
    return OPERATION_OF[app.type];
  }
}

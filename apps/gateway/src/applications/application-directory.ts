import type { ApplicationType, ConfigSnapshot, GatewayConfig, ResolvedApplication } from '@aigw/config';
import { LiveConfig } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { Operation } from '@aigw/openai-schema';

const OPERATION_OF: Record<ApplicationType, Operation> = {
  chat: 'chat',
  completions: 'completions',
  embeddings: 'embeddings',
};

/**
 * Finds the AI application a request is for: by its id or a model alias it serves, in the live
 * configuration (or in the snapshot a request started with).
 */
export class ApplicationDirectory {
  private readonly live: LiveConfig;
  private readonly byName: (snapshot?: ConfigSnapshot) => ReadonlyMap<string, ResolvedApplication>;

  /** `source`: the live configuration, or a fixed one (specs). */
  constructor(source: LiveConfig | Pick<GatewayConfig, 'applications'>) {
    // A fixed configuration is a live one that never changes; only its `applications` are read.
    this.live = source instanceof LiveConfig ? source : LiveConfig.fromFile(source as GatewayConfig);
    this.byName = this.live.derive((config) => {
      const byName = new Map<string, ResolvedApplication>();
      for (const app of config.applications) {
        byName.set(app.id, app);
        for (const alias of app.models) byName.set(alias, app);
      }
      return byName;
    });
  }

  get applications(): readonly ResolvedApplication[] {
    return this.live.config.applications;
  }

  resolve(
    name: string,
    param: string | null = 'model',
    snapshot: ConfigSnapshot = this.live.current,
  ): ResolvedApplication {
    const app = this.byName(snapshot).get(name);
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

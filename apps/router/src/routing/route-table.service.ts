import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationType } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { ProviderOperation } from '@aigw/providers';
import { UpstreamHttpClient, createProviderAdapter } from '@aigw/providers';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import type { RouteTarget } from './route-target';

interface ApplicationRoutes {
  readonly type: ApplicationType;
  readonly targets: readonly RouteTarget[];
}

const OPERATION_NAMES: Readonly<Record<ProviderOperation, string>> = {
  chat: 'chat completions',
  completions: 'completions',
  embeddings: 'embeddings',
};

/**
 * Every application's endpoints with their adapters, built once at start (a misconfigured endpoint
 * fails the start, not a request). Owns the process's one upstream HTTP client.
 */
@Injectable()
export class RouteTable implements OnApplicationShutdown {
  private readonly http = new UpstreamHttpClient();
  private readonly routes = new Map<string, ApplicationRoutes>();

  constructor(@Inject(ROUTER_OPTIONS) options: RouterModuleOptions) {
    for (const application of options.config.applications) {
      const targets = application.endpoints.map((endpoint) => ({
        applicationId: application.id,
        endpoint,
        adapter: createProviderAdapter(endpoint, { http: this.http, mockLlmUrl: options.mockLlmUrl }),
      }));
      this.routes.set(application.id, { type: application.type, targets });
    }
  }

  /** The endpoints of an application that serves `operation`. */
  targets(applicationId: string, operation: ProviderOperation): readonly RouteTarget[] {
    const routes = this.routes.get(applicationId);
    if (routes === undefined)
      throw new GatewayError('model_not_found', `The application "${applicationId}" does not exist.`, {
        param: 'model',
      });
    if (routes.type !== operation)
      throw new GatewayError(
        'invalid_request',
        `The application "${applicationId}" serves ${OPERATION_NAMES[routes.type]}, not ${OPERATION_NAMES[operation]}.`,
        { param: 'model' },
      );
    return routes.targets;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }
}

import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable } from '@nestjs/common';
import type { ApplicationType, ResolvedRoutingPolicy } from '@aigw/config';
import { resolveRoutingPolicy } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { ProviderOperation } from '@aigw/providers';
import { UpstreamHttpClient, createProviderAdapter, traceProviderAdapter } from '@aigw/providers';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import type { Clock } from './clock';
import { CLOCK } from './clock';
import { RetryBudget } from './resilience/retry-budget';
import type { RouteTarget } from './route-target';
import type { RoutingStrategy } from './routing-strategy.interface';
import { createRoutingStrategy } from './strategies/routing-strategy.factory';

/** An application's endpoints and how requests are spread over them. */
export interface RoutePlan {
  readonly applicationId: string;
  readonly targets: readonly RouteTarget[];
  readonly policy: ResolvedRoutingPolicy;
  readonly strategy: RoutingStrategy;
  readonly retryBudget: RetryBudget;
}

interface ApplicationRoutes extends RoutePlan {
  readonly type: ApplicationType;
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

  constructor(@Inject(ROUTER_OPTIONS) options: RouterModuleOptions, @Inject(CLOCK) clock: Clock) {
    for (const application of options.config.applications) {
      const policy = resolveRoutingPolicy(application.routing);
      const targets = application.endpoints.map((endpoint) => ({
        applicationId: application.id,
        endpoint,
        adapter: traceProviderAdapter(
          createProviderAdapter(endpoint, { http: this.http, mockLlmUrl: options.mockLlmUrl }),
          endpoint,
          application.id,
        ),
        policy,
      }));
      this.routes.set(application.id, {
        type: application.type,
        applicationId: application.id,
        targets,
        policy,
        strategy: createRoutingStrategy(policy, clock),
        retryBudget: new RetryBudget(policy.retries, clock),
      });
    }
  }

  /** Every application's plan (the health checks walk them). */
  plans(): Iterable<RoutePlan> {
    return this.routes.values();
  }

  /** The endpoints of an application that serves `operation`. */
  targets(applicationId: string, operation: ProviderOperation): readonly RouteTarget[] {
    return this.plan(applicationId, operation).targets;
  }

  /** The routing plan of an application that serves `operation`. */
  plan(applicationId: string, operation: ProviderOperation): RoutePlan {
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
    return routes;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.http.close();
  }
}

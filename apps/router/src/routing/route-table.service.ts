import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type {
  ApplicationType,
  GatewayConfig,
  ResolvedApplication,
  ResolvedEndpoint,
  ResolvedRoutingPolicy,
} from '@aigw/config';
import { LiveConfig, resolveRoutingPolicy } from '@aigw/config';
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
  /** The application's configuration as JSON: an unchanged one keeps its routes (and their state). */
  readonly fingerprint: string;
  /** Each endpoint's configuration as JSON, by endpoint id: an unchanged endpoint keeps its target. */
  readonly endpointPrints: ReadonlyMap<string, string>;
  readonly policyPrint: string;
}

const OPERATION_NAMES: Readonly<Record<ProviderOperation, string>> = {
  chat: 'chat completions',
  completions: 'completions',
  embeddings: 'embeddings',
};

/**
 * Every application's endpoints with their adapters, built from the live configuration: at start (a
 * misconfigured endpoint fails the start, not a request) and again at each configuration change. A
 * change rebuilds only what it touched: an unchanged application keeps its plan, an unchanged endpoint
 * its target and adapter, an unchanged routing policy its strategy and retry budget, so their state
 * (round-robin position, latency averages) survives; breakers, cool-downs and limits are keyed by ids
 * in their stores and survive anyway. A request keeps the plan it started with. Owns the process's one
 * upstream HTTP client.
 */
@Injectable()
export class RouteTable implements OnApplicationShutdown {
  private readonly logger = new Logger('RouteTable');
  private readonly http = new UpstreamHttpClient();
  private routes: ReadonlyMap<string, ApplicationRoutes>;
  private readonly listeners = new Set<() => void>();
  private readonly stopListening: () => void;

  constructor(
    @Inject(ROUTER_OPTIONS) private readonly options: RouterModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    live: LiveConfig,
  ) {
    this.routes = this.build(live.config, new Map());
    this.stopListening = live.onChange((next) => {
      this.routes = this.build(next.config, this.routes, true);
      for (const listener of this.listeners) listener();
    });
  }

  /** Called after the table was rebuilt for a new configuration. */
  onRebuilt(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * At start (`onChange` false) an application whose routes cannot be built fails the start; on a
   * change it keeps the routes it had (or stays unserved if it is new), logged, and the others apply.
   */
  private build(
    config: GatewayConfig,
    previous: ReadonlyMap<string, ApplicationRoutes>,
    onChange = false,
  ): Map<string, ApplicationRoutes> {
    const routes = new Map<string, ApplicationRoutes>();
    for (const application of config.applications) {
      const fingerprint = JSON.stringify(application);
      const before = previous.get(application.id);
      if (before?.fingerprint === fingerprint) {
        routes.set(application.id, before);
        continue;
      }
      try {
        routes.set(application.id, this.routesOf(application, fingerprint, before));
      } catch (error) {
        if (!onChange) throw error;
        this.logger.error(
          `application ${application.id}: the new configuration is not applied (${error instanceof Error ? error.message : String(error)}); ${before ? 'its previous routes stay' : 'it is not served'}`,
        );
        if (before) routes.set(application.id, before);
      }
    }
    return routes;
  }

  private routesOf(
    application: ResolvedApplication,
    fingerprint: string,
    before: ApplicationRoutes | undefined,
  ): ApplicationRoutes {
    const policy = resolveRoutingPolicy(application.routing);
    const policyPrint = JSON.stringify(policy);
    const samePolicy = before?.policyPrint === policyPrint;
    const endpointPrints = new Map<string, string>();
    const targets = application.endpoints.map((endpoint) => {
      const print = JSON.stringify(endpoint);
      endpointPrints.set(endpoint.id, print);
      const kept = samePolicy && before?.endpointPrints.get(endpoint.id) === print;
      return (
        (kept && before?.targets.find((t) => t.endpoint.id === endpoint.id)) ||
        this.target(application, endpoint, policy)
      );
    });
    return {
      type: application.type,
      applicationId: application.id,
      targets,
      policy,
      strategy: samePolicy && before ? before.strategy : createRoutingStrategy(policy, this.clock),
      retryBudget: samePolicy && before ? before.retryBudget : new RetryBudget(policy.retries, this.clock),
      fingerprint,
      endpointPrints,
      policyPrint,
    };
  }

  private target(
    application: ResolvedApplication,
    endpoint: ResolvedEndpoint,
    policy: ResolvedRoutingPolicy,
  ): RouteTarget {
    return {
      applicationId: application.id,
      endpoint,
      adapter: traceProviderAdapter(
        createProviderAdapter(endpoint, { http: this.http, mockLlmUrl: this.options.mockLlmUrl }),
        endpoint,
        application.id,
      ),
      policy,
    };
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
    this.stopListening();
    await this.http.close();
  }
}

import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ActiveHealthCheck } from '@aigw/config';
import { healthChecks } from '@aigw/observability';
import { UpstreamFailure } from '@aigw/providers';
import type { RouterModuleOptions } from '../router.options';
import { ROUTER_OPTIONS } from '../router.options';
import { unhealthyKey } from '../routing/endpoint-availability.service';
import { RouteTable } from '../routing/route-table.service';
import type { RouteTarget } from '../routing/route-target';
import { RouterRedis } from '../shared-state/router-redis.provider';
import type { RoutingStateStore } from '../shared-state/routing-state.store';
import { ROUTING_STATE_STORE } from '../shared-state/routing-state.store';
import type { ProbeResult } from './endpoint-probe';
import { EndpointProbe } from './endpoint-probe';
import { HealthProbeLease } from './health-probe.lease';

const LEASE_RENEW_MS = 1_000;
/** An unhealthy mark outlives its prober by this many unhealthy intervals (at least 5 s), then lapses. */
const MARK_INTERVALS = 3;
const MIN_MARK_MS = 5_000;

interface Check {
  readonly target: RouteTarget;
  readonly checks: ActiveHealthCheck;
  readonly key: string;
  probe: EndpointProbe | null;
  timer: NodeJS.Timeout | null;
  /** Set when a configuration change dropped the endpoint (or changed it): no more probes. */
  removed: boolean;
}

/**
 * APISIX `checks.active`: every endpoint with `checks.active` is probed off the request path, and an
 * unhealthy verdict marks it in the routing state store (skipped by the failover while others are
 * available). Only the holder of the probe lease probes (see `HealthProbeLease`); it refreshes the mark
 * of each unhealthy endpoint at every probe, so a mark lapses by itself when its prober dies.
 */
@Injectable()
export class ActiveHealthChecks implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('HealthChecks');
  private readonly checks = new Set<Check>();
  private leaseStarted = false;
  private stopWatching: (() => void) | null = null;
  private readonly lease: HealthProbeLease;
  private leaseTimer: NodeJS.Timeout | null = null;
  private leader = false;
  private stopped = false;

  constructor(
    private readonly table: RouteTable,
    @Inject(ROUTING_STATE_STORE) private readonly store: RoutingStateStore,
    redis: RouterRedis,
    @Inject(ROUTER_OPTIONS) options: RouterModuleOptions,
  ) {
    this.lease = new HealthProbeLease(
      redis.client,
      `${options.redisPrefix}:routing:health-prober`,
      LEASE_RENEW_MS,
    );
  }

  onApplicationBootstrap(): void {
    this.stopWatching = this.table.onRebuilt(() => this.reconcile());
    this.reconcile();
  }

  /**
   * Probes the endpoints of the current route table that have `checks.active`: a configuration change
   * keeps the checks of unchanged endpoints (same target), stops those of removed or changed ones and
   * starts the new ones.
   */
  private reconcile(): void {
    const wanted = new Set<RouteTarget>();
    for (const plan of this.table.plans())
      for (const target of plan.targets) if (target.endpoint.checks?.active !== undefined) wanted.add(target);
    for (const check of [...this.checks]) {
      if (wanted.has(check.target)) continue;
      if (check.timer !== null) clearTimeout(check.timer);
      check.removed = true;
      this.checks.delete(check);
    }
    const running = new Set([...this.checks].map((check) => check.target));
    const added: Check[] = [];
    for (const target of wanted) {
      const checks = target.endpoint.checks?.active;
      if (running.has(target) || checks === undefined) continue;
      const key = unhealthyKey(target.applicationId, target.endpoint.id);
      const check: Check = { target, checks, key, probe: null, timer: null, removed: false };
      this.checks.add(check);
      added.push(check);
    }
    if (added.length === 0) return;
    if (this.leaseStarted) for (const check of added) this.schedule(check, 0);
    else {
      this.leaseStarted = true;
      void this.renewLease().then(() => {
        for (const check of this.checks) if (check.timer === null) this.schedule(check, 0);
      });
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopWatching?.();
    if (this.leaseTimer !== null) clearTimeout(this.leaseTimer);
    for (const check of this.checks) if (check.timer !== null) clearTimeout(check.timer);
    await this.lease.release();
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    const wasLeader = this.leader;
    this.leader = await this.lease.renew();
    if (this.leader !== wasLeader)
      this.logger.log(
        this.leader
          ? `this replica (${this.lease.holder}) runs the active health checks`
          : 'another replica runs the active health checks',
      );
    if (this.stopped) return;
    this.leaseTimer = setTimeout(() => void this.renewLease(), LEASE_RENEW_MS);
    this.leaseTimer.unref();
  }

  private schedule(check: Check, ms: number): void {
    if (this.stopped || check.removed) return;
    check.timer = setTimeout(() => void this.run(check), ms);
    check.timer.unref();
  }

  private async run(check: Check): Promise<void> {
    if (!this.leader) {
      // Another replica probes: start over from the shared verdict if this one takes over later.
      check.probe = null;
      return this.schedule(check, LEASE_RENEW_MS);
    }
    const probe = (check.probe ??= new EndpointProbe(
      check.checks,
      this.store.holdLeftMs(check.key) === null ? 'healthy' : 'unhealthy',
    ));
    const result = await this.probeOnce(check);
    if (this.stopped || check.removed) return;
    const change = probe.record(result);
    healthChecks.inc({
      application: check.target.applicationId,
      endpoint: check.target.endpoint.id,
      health: probe.health,
    });
    if (change === 'healthy') {
      this.store.delete(check.key);
      this.logger.log(`${check.target.applicationId}/${check.target.endpoint.id} is healthy again`);
    } else if (probe.health === 'unhealthy') {
      const markMs = Math.max(
        MIN_MARK_MS,
        MARK_INTERVALS * Math.round(check.checks.unhealthy.interval * 1_000),
      );
      this.store.put(check.key, markMs);
      if (change === 'unhealthy')
        this.logger.warn(
          `${check.target.applicationId}/${check.target.endpoint.id} is unhealthy (${describe(result)})`,
        );
    }
    this.schedule(check, probe.intervalMs);
  }

  private async probeOnce(check: Check): Promise<ProbeResult> {
    const { path, timeout, withAuth } = check.checks;
    try {
      return { status: await check.target.adapter.probe(path, Math.round(timeout * 1_000), withAuth) };
    } catch (error) {
      if (error instanceof UpstreamFailure && error.kind === 'timeout') return 'timeout';
      return 'connection_error';
    }
  }
}

function describe(result: ProbeResult): string {
  return typeof result === 'object' ? `HTTP ${result.status}` : result.replace('_', ' ');
}

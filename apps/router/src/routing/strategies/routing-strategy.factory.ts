import type { ResolvedRoutingPolicy } from '@aigw/config';
import type { Clock } from '../clock';
import type { RoutingStrategy } from '../routing-strategy.interface';
import { ConsistentHashStrategy } from './consistent-hash.strategy';
import { LeastInFlightStrategy } from './least-in-flight.strategy';
import { LeastLatencyStrategy } from './least-latency.strategy';
import { ModelBasedStrategy } from './model-based.strategy';
import { PriorityStrategy } from './priority.strategy';
import { WeightedRoundRobinStrategy } from './weighted-round-robin.strategy';

/** One strategy instance per application (round-robin and latency state are the application's). */
export function createRoutingStrategy(policy: ResolvedRoutingPolicy, clock: Clock): RoutingStrategy {
  switch (policy.strategy) {
    case 'priority':
      return new PriorityStrategy();
    case 'weighted':
      return new WeightedRoundRobinStrategy();
    case 'consistent-hash':
      return new ConsistentHashStrategy();
    case 'least-latency':
      return new LeastLatencyStrategy(clock);
    case 'least-in-flight':
      return new LeastInFlightStrategy(clock);
    case 'model-based':
      if (policy.modelBased === null) throw new Error('model-based routing needs modelBasedRoundRobin');
      return new ModelBasedStrategy(policy.modelBased);
  }
}

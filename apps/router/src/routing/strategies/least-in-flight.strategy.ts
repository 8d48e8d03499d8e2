import type { Clock } from '../clock';
import { LeastLoadedStrategy } from './least-latency.strategy';

/** `least-in-flight`: the endpoint of the tier with the fewest requests under way on this replica. */
export class LeastInFlightStrategy extends LeastLoadedStrategy {
  constructor(clock: Clock) {
    super(clock, false);
  }
}

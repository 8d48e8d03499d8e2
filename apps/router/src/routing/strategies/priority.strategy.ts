import { Injectable } from '@nestjs/common';
import type { Routable, RoutingStrategy } from '../routing-strategy.interface';

/** Lowest priority first; equal priorities keep their configured order. */
@Injectable()
export class PriorityStrategy implements RoutingStrategy {
  order<T extends Routable>(targets: readonly T[]): readonly T[] {
    return [...targets].sort((a, b) => a.endpoint.priority - b.endpoint.priority);
  }
}

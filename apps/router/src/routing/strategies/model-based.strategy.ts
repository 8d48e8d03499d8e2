import type { ModelEntry, ResolvedRoutingPolicy } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { Routable, RoutingContext, RoutingStrategy } from '../routing-strategy.interface';
import { SmoothWeightedPicker } from './smooth-weighted.picker';

type ModelBased = NonNullable<ResolvedRoutingPolicy['modelBased']>;

/**
 * WSO2 APK `modelBasedRoundRobin`: the requested model's list of {endpoint, model, weight} — from the
 * production or the sandbox list, by the consumer key's environment — in smooth weighted round robin,
 * the other entries of the list after it for failover. Each yielded target carries the model to send
 * upstream. A list keyed `*` serves any model without a list of its own.
 */
export class ModelBasedStrategy implements RoutingStrategy {
  private readonly pickers = new Map<string, SmoothWeightedPicker>();

  constructor(private readonly lists: ModelBased) {}

  *order<T extends Routable>(targets: readonly T[], context: RoutingContext): Iterable<T> {
    const entries = this.entries(context);
    const byId = new Map(targets.map((t) => [t.endpoint.id, t]));
    const pickerKey = `${context.environment}\u0000${context.model ?? ''}`;
    let picker = this.pickers.get(pickerKey);
    if (picker === undefined) {
      picker = new SmoothWeightedPicker();
      this.pickers.set(pickerKey, picker);
    }
    const first = entries.length === 1 ? entries[0] : picker.pick(entries, entryId, (e) => e.weight);
    for (const entry of first === undefined || first === null
      ? entries
      : [first, ...entries.filter((e) => e !== first)]) {
      const target = byId.get(entry.endpoint);
      if (target !== undefined) yield { ...target, upstreamModel: entry.model };
    }
  }

  private entries(context: RoutingContext): readonly ModelEntry[] {
    const lists = context.environment === 'sandbox' ? this.lists.sandbox : this.lists.production;
    if (lists === null)
      throw new GatewayError(
        'application_not_allowed',
        'This application has no sandbox models: a sandbox key cannot use it.',
        { param: 'model' },
      );
    const list = (context.model === null ? undefined : lists.get(context.model)) ?? lists.get('*');
    if (list === undefined)
      throw new GatewayError(
        'model_not_found',
        `The model "${context.model ?? ''}" has no ${context.environment} backend in this application.`,
        { param: 'model' },
      );
    return list;
  }
}

function entryId(entry: ModelEntry): string {
  return `${entry.endpoint}\u0000${entry.model}`;
}

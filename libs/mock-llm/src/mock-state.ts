import type { IncomingHttpHeaders } from 'node:http';
import type { MockBehaviour } from './mock-behaviour.schema';
import { NORMAL_BEHAVIOUR } from './mock-behaviour.schema';
import type { RequestRecord } from './request-log';
import { RequestLog } from './request-log';

export const DEFAULT_INSTANCE = 'default';
export const BUILTIN_MODELS: readonly string[] = ['gpt-4o-mini', 'text-embedding-3-small'];
/** Model names listed by `/v1/models` are bounded too: a client sending random names must not grow memory. */
const MAX_MODELS = 1_000;
const MODEL_CREATED = 1_700_000_000;

/** Everything one mock process remembers: scripts, defaults, the request log and the models seen. */
export class MockState {
  private readonly scripts = new Map<string, MockBehaviour[]>();
  private readonly defaults = new Map<string, MockBehaviour>();
  private readonly log: RequestLog;
  private readonly watchers = new Set<() => void>();
  private readonly models = new Set<string>(BUILTIN_MODELS);
  private modelsJson: string | null = null;
  private seq = 0;

  constructor(maxRecordedRequests: number) {
    this.log = new RequestLog(maxRecordedRequests);
  }

  /** Consumes the next scripted behaviour of the instance, else its default, else a normal success. */
  take(instance: string): MockBehaviour {
    const queue = this.scripts.get(instance);
    if (queue !== undefined && queue.length > 0) return queue.shift() ?? NORMAL_BEHAVIOUR;
    return this.defaults.get(instance) ?? NORMAL_BEHAVIOUR;
  }

  enqueue(instance: string, behaviours: readonly MockBehaviour[]): number {
    let queue = this.scripts.get(instance);
    if (queue === undefined) this.scripts.set(instance, (queue = []));
    queue.push(...behaviours);
    return queue.length;
  }

  queued(instance: string): number {
    return this.scripts.get(instance)?.length ?? 0;
  }

  setDefault(instance: string, behaviour: MockBehaviour | null): void {
    if (behaviour === null) this.defaults.delete(instance);
    else this.defaults.set(instance, behaviour);
  }

  begin(
    instance: string,
    method: string,
    path: string,
    url: string,
    headers: IncomingHttpHeaders,
  ): RequestRecord {
    this.seq += 1;
    const record: RequestRecord = {
      seq: this.seq,
      instance,
      method,
      path,
      url,
      rawHeaders: headers,
      body: null,
      startedAt: Date.now(),
      finishedAt: null,
      status: null,
      aborted: false,
    };
    this.log.push(record);
    this.changed();
    return record;
  }

  records(instance?: string): RequestRecord[] {
    return this.log.list(instance);
  }

  /** Call after any change of a record, so `waitFor` re-checks its predicate. */
  changed(): void {
    if (this.watchers.size === 0) return;
    for (const watcher of [...this.watchers]) watcher();
  }

  watch(watcher: () => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  seeModel(model: string): void {
    if (this.models.has(model) || this.models.size >= MAX_MODELS) return;
    this.models.add(model);
    this.modelsJson = null;
  }

  /** `GET /v1/models`, serialised once per change of the set. */
  modelsListJson(): string {
    this.modelsJson ??= JSON.stringify({
      object: 'list',
      data: [...this.models].map((id) => ({
        id,
        object: 'model',
        created: MODEL_CREATED,
        owned_by: 'mock-llm',
      })),
    });
    return this.modelsJson;
  }

  reset(): void {
    this.scripts.clear();
    this.defaults.clear();
    this.log.clear();
    this.models.clear();
    for (const model of BUILTIN_MODELS) this.models.add(model);
    this.modelsJson = null;
    this.changed();
  }
}

import type { MockBehaviour } from './mock-behaviour.schema';
import { MockBehaviourSchema } from './mock-behaviour.schema';
import type { MockState } from './mock-state';
import type { RecordedRequest } from './request-log';
import { snapshot } from './request-log';

export const DEFAULT_WAIT_MS = 5_000;

export type RequestsPredicate = (requests: readonly RecordedRequest[]) => boolean;

/**
 * Scripts and inspects a running mock from the same process. `/_mock/...` exposes the same
 * operations over HTTP (see `MockControlClient`).
 */
export class MockControl {
  constructor(private readonly state: MockState) {}

  /** Appends behaviours to the instance's FIFO; each request to the instance consumes one. */
  script(instance: string, behaviours: readonly MockBehaviour[]): void {
    this.state.enqueue(
      instance,
      behaviours.map((b) => MockBehaviourSchema.parse(b)),
    );
  }

  /** The behaviour used when the instance's FIFO is empty; `null` restores normal success. */
  setDefault(instance: string, behaviour: MockBehaviour | null): void {
    this.state.setDefault(instance, behaviour === null ? null : MockBehaviourSchema.parse(behaviour));
  }

  /** Scripted behaviours not yet consumed. */
  queued(instance: string): number {
    return this.state.queued(instance);
  }

  /** Recorded requests, oldest first; all instances unless one is named. */
  requests(instance?: string): RecordedRequest[] {
    return this.state.records(instance).map(snapshot);
  }

  /** Clears scripts, defaults, the request log and the models seen. */
  reset(): void {
    this.state.reset();
  }

  /**
   * Resolves with the recorded requests once `predicate` holds for them; re-checked on every
   * change of the log (arrival, body, headers, finish, abort). Rejects after `timeoutMs`.
   */
  waitFor(predicate: RequestsPredicate, timeoutMs = DEFAULT_WAIT_MS): Promise<RecordedRequest[]> {
    return new Promise<RecordedRequest[]>((resolve, reject) => {
      let settled = false;
      const settle = (): void => {
        settled = true;
        clearTimeout(timer);
        unwatch();
      };
      const check = (): void => {
        if (settled) return;
        try {
          const requests = this.requests();
          if (!predicate(requests)) return;
          settle();
          resolve(requests);
        } catch (error: unknown) {
          settle();
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      };
      const timer = setTimeout(() => {
        if (settled) return;
        settle();
        const count = this.state.records().length;
        reject(
          new Error(
            `mock-llm waitFor: condition not met within ${timeoutMs} ms (${count} requests recorded)`,
          ),
        );
      }, timeoutMs);
      const unwatch = this.state.watch(check);
      check();
    });
  }

  /** The first recorded request matching `match`, once there is one. */
  async waitForRequest(
    match: (request: RecordedRequest) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RecordedRequest> {
    const requests = await this.waitFor((all) => all.some(match), timeoutMs);
    const found = requests.find(match);
    if (found === undefined) throw new Error('mock-llm waitForRequest: matched request vanished');
    return found;
  }
}

import type { LoggerService } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { Env, GatewayConfig, LiveConfig } from '@aigw/config';
import { resolveConfig } from '@aigw/config';
import { ConfigChangedEventSchema, ConfigGetReplySchema, GatewayError, Subjects } from '@aigw/contracts';
import { reportConfigRevision } from '@aigw/observability';
import { BusClient } from './bus.client';
import type { BusTransport } from './bus-transport';
import { createClientProxy } from './bus-transport';

export interface ConfigSyncOptions {
  /** The service (its bus client's name). */
  readonly service: string;
  readonly transport: BusTransport;
  readonly live: LiveConfig;
  /** The environment documents are resolved in (`apiKeyEnv`, and `auth.keys[].env` for the gateway). */
  readonly env: Env;
  /** Resolve the API keys: only the gateway authenticates. */
  readonly keys: boolean;
  /** Period of the version check that repairs a missed broadcast; 0: none. */
  readonly checkIntervalMs: number;
  /** Bound on one `admin.v1.config.get`. */
  readonly requestTimeoutMs?: number;
  /** Nest's logger by default; false: silent. */
  readonly logger?: LoggerService | false;
}

const SILENT: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

export type RefreshOutcome = 'applied' | 'current' | 'unavailable' | 'invalid';

const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;
/** Until the admin first answered (it may start after this service), the check runs this often. */
const UNTIL_REACHED_MS = 1_000;

/**
 * Keeps a service's `LiveConfig` at the admin's active revision, off the request path: it listens to
 * `config.changed` outside any queue group (every replica hears every change), fetches the document
 * (`admin.v1.config.get`) when an event names a newer revision, resolves it in this service's
 * environment and swaps the snapshot. Core NATS is at most once, so a missed event is repaired by a
 * periodic check and on every reconnect; duplicates and late events are ignored by revision number.
 * When the admin (or its database) is down, the service keeps serving the snapshot it has.
 */
export class ConfigSync {
  readonly #logger: LoggerService;
  readonly #bus: BusClient;
  readonly #stops: Array<() => void> = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<RefreshOutcome> | null = null;
  #again = false;
  /** The last revision that failed to resolve, so it is reported once, not at every check. */
  #invalidRevision = 0;
  #closed = false;
  /** Whether the admin has answered once: until then the check runs every `UNTIL_REACHED_MS`. */
  #reached = false;

  private constructor(private readonly options: ConfigSyncOptions) {
    this.#logger = options.logger === false ? SILENT : (options.logger ?? new Logger('ConfigSync'));
    this.#bus = new BusClient(createClientProxy(`${options.service}-config`, options.transport));
  }

  /**
   * Connects and subscribes, then loads the active revision when the admin answers (the file read at
   * start stays in force otherwise) and starts the periodic check.
   */
  static async start(options: ConfigSyncOptions): Promise<ConfigSync> {
    const sync = new ConfigSync(options);
    await sync.#bus.connect();
    sync.#stops.push(sync.#bus.subscribe(Subjects.config.changed, (payload) => sync.#changed(payload)));
    sync.#stops.push(sync.#bus.onReconnect(() => void sync.refresh()));
    sync.#stops.push(
      reportConfigRevision(() => ({
        revision: options.live.current.revision,
        version: options.live.config.version,
      })),
    );
    await sync.refresh();
    sync.#scheduleCheck();
    return sync;
  }

  /** The periodic check: frequent until the admin first answered, then every `checkIntervalMs`. */
  #scheduleCheck(): void {
    if (this.#closed || this.options.checkIntervalMs <= 0) return;
    const delay = this.#reached
      ? this.options.checkIntervalMs
      : Math.min(UNTIL_REACHED_MS, this.options.checkIntervalMs);
    this.#timer = setTimeout(() => void this.refresh().finally(() => this.#scheduleCheck()), delay);
    this.#timer.unref();
  }

  /** Fetches the active revision and applies it when newer. Concurrent calls share one fetch (then one more). */
  refresh(): Promise<RefreshOutcome> {
    if (this.#running !== null) {
      this.#again = true;
      return this.#running;
    }
    const run = async (): Promise<RefreshOutcome> => {
      let outcome: RefreshOutcome;
      do {
        this.#again = false;
        outcome = await this.#fetchAndApply();
      } while (this.#again && !this.#closed);
      return outcome;
    };
    this.#running = run().finally(() => (this.#running = null));
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    for (const stop of this.#stops.splice(0)) stop();
    await this.#running?.catch(() => undefined);
    await this.#bus.close();
  }

  #changed(payload: unknown): void {
    const event = ConfigChangedEventSchema.safeParse(payload);
    if (!event.success) {
      this.#logger.warn?.('config.changed with an unexpected payload ignored', 'ConfigSync');
      return;
    }
    // A duplicate or a late event: this revision (or a newer one) is already served.
    if (event.data.revision <= this.options.live.current.revision) return;
    void this.refresh();
  }

  async #fetchAndApply(): Promise<RefreshOutcome> {
    if (this.#closed) return 'current';
    let raw: unknown;
    try {
      raw = await this.#bus.request<unknown>(
        Subjects.admin.configGet,
        {},
        { timeoutMs: this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS },
      );
    } catch (error) {
      this.#logger.debug?.(
        `the admin did not give the configuration (${GatewayError.from(error).message}); serving revision ${this.options.live.current.revision}`,
        'ConfigSync',
      );
      return 'unavailable';
    }
    this.#reached = true;
    const reply = ConfigGetReplySchema.safeParse(raw);
    if (!reply.success) {
      this.#logger.warn?.('admin.v1.config.get answered with an unexpected payload', 'ConfigSync');
      return 'unavailable';
    }
    const { revision, document } = reply.data;
    if (revision <= this.options.live.current.revision) return 'current';
    let config: GatewayConfig;
    try {
      config = resolveConfig(document, this.options.env, `configuration revision ${revision}`, {
        keys: this.options.keys,
      });
    } catch (error) {
      if (this.#invalidRevision !== revision)
        this.#logger.error(
          `configuration revision ${revision} not applied, revision ${this.options.live.current.revision} stays in force: ${error instanceof Error ? error.message : String(error)}`,
          undefined,
          'ConfigSync',
        );
      this.#invalidRevision = revision;
      return 'invalid';
    }
    const previous = this.options.live.current;
    try {
      if (!this.options.live.offer({ revision, config })) return 'current';
    } catch (error) {
      this.#logger.error(
        `a listener failed applying configuration revision ${revision}: ${error instanceof Error ? error.message : String(error)}`,
        undefined,
        'ConfigSync',
      );
    }
    this.#logger.log(
      `configuration ${config.version} (revision ${revision}) applied, replacing ${previous.config.version} (revision ${previous.revision})`,
      'ConfigSync',
    );
    return 'applied';
  }
}

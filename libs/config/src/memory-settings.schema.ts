import { z } from 'zod';

/**
 * Conversational memory and prompt persistence, with the ganrad openai-api-router's names (seed 003):
 * per application `memorySettings` { useMemory, msgCount, entryExpiry } and `persistPrompts`; the
 * global `memorySettings` block mirrors the seed's `API_GATEWAY_STATE_MGMT` and
 * `API_GATEWAY_MEMORY_INVAL_SCHEDULE`, the global `persistPrompts` its `API_GATEWAY_PERSIST_PROMPTS`.
 */

const INTERVAL_UNITS_MS: Record<string, number> = {
  second: 1_000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
};

/** The subset of PostgreSQL interval syntax the seed's examples use: `<n> <unit>[s]`, e.g. `5 minutes`. */
const INTERVAL = /^\s*(\d+)\s*(second|minute|hour|day|week)s?\s*$/i;

/** Milliseconds of an `entryExpiry` such as `5 minutes`, `2 hours`, `1 day`; throws on anything else. */
export function intervalMs(interval: string): number {
  const match = INTERVAL.exec(interval);
  if (!match) throw new TypeError(`"${interval}" is not an interval such as "5 minutes"`);
  return Number(match[1]) * (INTERVAL_UNITS_MS[match[2].toLowerCase()] ?? 0);
}

const EntryExpirySchema = z
  .string()
  .regex(INTERVAL, 'an interval such as "30 seconds", "5 minutes", "2 hours" or "1 day"')
  .refine((value) => !INTERVAL.test(value) || intervalMs(value) > 0, 'must be longer than zero');

/** The cron syntax BullMQ reads: 5 fields, or 6 with seconds first. Checked fully at schedule time. */
const CronSchema = z
  .string()
  .regex(/^\S+(\s+\S+){4,5}$/, 'a cron pattern of 5 fields (or 6, seconds first), e.g. "*/10 * * * *"');

export const ApplicationMemorySettingsSchema = z.strictObject({
  /** The gateway manages a thread per client session (`x-thread-id`). Chat applications only. */
  useMemory: z.boolean().default(false),
  /** Interactions (the client's messages of a turn and the assistant's reply) kept and sent upstream. */
  msgCount: z.number().int().min(1).max(1_000).default(5),
  /** A thread unused for this long expires; absent: threads never expire. */
  entryExpiry: EntryExpirySchema.optional(),
});
export type ApplicationMemorySettings = z.infer<typeof ApplicationMemorySettingsSchema>;

export const GlobalMemorySettingsSchema = z.strictObject({
  /** Kill switch for every application's `useMemory`. */
  memoryEnabled: z.boolean().default(true),
  /** When the sweep deleting expired threads runs (a repeatable job, one run per tick). */
  memoryInvalidationSchedule: CronSchema.default('*/10 * * * *'),
  /** Bound on the gateway's wait for a thread (`memory.v1.load`): past it the request fails with 504. */
  loadTimeoutMs: z.number().int().positive().max(60_000).default(2_000),
});
export type GlobalMemorySettings = z.infer<typeof GlobalMemorySettingsSchema>;
export const DEFAULT_GLOBAL_MEMORY_SETTINGS: GlobalMemorySettings = GlobalMemorySettingsSchema.parse({});

/** What one application does with memory and persistence, resolved from its block and the globals. */
export interface MemoryPolicy {
  /** Threads are on for the application (its `useMemory` and the global switch; chat only). */
  readonly useMemory: boolean;
  readonly msgCount: number;
  /** `entryExpiry` in milliseconds; null: never expires. */
  readonly expiryMs: number | null;
  /** The application's `persistPrompts` if set, else the global one. */
  readonly persistPrompts: boolean;
}

export function memoryPolicy(
  app: {
    readonly type: string;
    readonly memorySettings?: ApplicationMemorySettings | undefined;
    readonly persistPrompts?: boolean | undefined;
  },
  globals: { readonly memorySettings: GlobalMemorySettings; readonly persistPrompts: boolean },
): MemoryPolicy {
  const settings = app.memorySettings;
  return {
    useMemory: globals.memorySettings.memoryEnabled && app.type === 'chat' && (settings?.useMemory ?? false),
    msgCount: settings?.msgCount ?? 5,
    expiryMs: settings?.entryExpiry === undefined ? null : intervalMs(settings.entryExpiry),
    persistPrompts: app.persistPrompts ?? globals.persistPrompts,
  };
}

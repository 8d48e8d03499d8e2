import { z } from 'zod';

/**
 * The semantic cache, with the ganrad openai-api-router's field names: a global `cacheSettings` block
 * (its `API_GATEWAY_USE_CACHE`, `API_GATEWAY_VECTOR_AIAPP`, `API_GATEWAY_CACHE_INVAL_SCHEDULE`) and a
 * `cacheSettings` block per application (`useCache`, `searchType`, `searchDistance`, `searchContent`,
 * `entryExpiry`), plus the policy fields this gateway adds (`maxTemperature`, `cacheToolCalls`,
 * `perConsumer`).
 */

export const SEARCH_TYPES = ['CS', 'LS', 'IP'] as const;
/** CS: cosine similarity (default); LS: L2 (Euclidean) distance; IP: inner product. */
export type SearchType = (typeof SEARCH_TYPES)[number];

export const SEARCH_ROLES = ['system', 'user', 'assistant'] as const;
export type SearchRole = (typeof SEARCH_ROLES)[number];

/** Threshold when `searchDistance` is not set: CS and IP similarity at least, LS distance at most. */
export const DEFAULT_SEARCH_DISTANCE: Readonly<Record<SearchType, number>> = { CS: 0.95, LS: 0.3, IP: 0.95 };

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  sec: 1,
  second: 1,
  m: 60,
  min: 60,
  minute: 60,
  h: 3_600,
  hour: 3_600,
  d: 86_400,
  day: 86_400,
  w: 604_800,
  week: 604_800,
};
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$/i;

/**
 * An `entryExpiry` in milliseconds: the seed takes a PostgreSQL interval; this gateway takes its common
 * form, one number and one unit (`2 minutes`, `1 day`, `12h`, `30s`). Null when it is not one.
 */
export function durationMs(text: string): number | null {
  const match = DURATION.exec(text);
  if (match === null) return null;
  const word = (match[2] ?? '').toLowerCase();
  const unit = UNIT_SECONDS[word] ?? (word.length > 2 ? UNIT_SECONDS[word.replace(/s$/, '')] : undefined);
  const amount = Number(match[1]);
  if (unit === undefined || !(amount > 0)) return null;
  return Math.round(amount * unit * 1_000);
}

const Roles = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? value.split(',') : value).map((r) => r.trim()))
  .pipe(z.array(z.enum(SEARCH_ROLES)).min(1));

export const CacheSettingsSchema = z.strictObject({
  useCache: z.boolean().default(false),
  searchType: z.enum(SEARCH_TYPES).default('CS'),
  /** The hit threshold: similarity (CS, IP) at least this, or distance (LS) at most this. */
  searchDistance: z.number().optional(),
  searchContent: z
    .strictObject({
      /** `messages` for chat applications, `prompt` for completions; defaults to the application's. */
      term: z.enum(['messages', 'prompt']).optional(),
      /** Chat: the roles whose messages are embedded (a list, or the seed's comma-separated string). */
      includeRoles: Roles.default([...SEARCH_ROLES]),
    })
    .default({ includeRoles: [...SEARCH_ROLES] }),
  /** How long an entry is served: one number and a unit, e.g. `2 minutes`, `1 day`. */
  entryExpiry: z
    .string()
    .refine((v) => durationMs(v) !== null, 'a duration such as "30 minutes", "12 hours" or "1 day"')
    .default('1 day'),
  /** Requests with a higher `temperature` (absent counts as 1, OpenAI's default) are not cached. */
  maxTemperature: z.number().min(0).max(2).default(1),
  /** Cache answers that call tools (their effect is the caller's, and often not repeatable). */
  cacheToolCalls: z.boolean().default(false),
  /** Entries are served only to the API key that caused them, not to every caller of the application. */
  perConsumer: z.boolean().default(false),
});
export type CacheSettings = z.infer<typeof CacheSettingsSchema>;

/** Where the semantic tier's vectors come from. */
export const VectorizerSchema = z.union([
  /** Built in, offline, lexical: hashed words and character trigrams, not meaning. */
  z.literal('local'),
  /** An `embeddings` application of this gateway, routed like any request (the seed's vectorizing app). */
  z.strictObject({
    application: z.string().min(1),
    /** Length of its vectors (checked on every answer): 1536 for OpenAI's text-embedding-3-small. */
    dimensions: z.number().int().min(1).max(2_000).default(1_536),
  }),
]);
export type Vectorizer = z.infer<typeof VectorizerSchema>;

export const GlobalCacheSettingsSchema = z.strictObject({
  /** The global switch (the seed's `API_GATEWAY_USE_CACHE`): off, no application is cached. */
  cacheEnabled: z.boolean().default(false),
  /** Absent: `local` (lexical; configure an embeddings application for semantic matches). */
  vectorizer: VectorizerSchema.optional(),
  /** Cron of the expired-entry sweep (the seed's `API_GATEWAY_CACHE_INVAL_SCHEDULE`). */
  cacheInvalidationSchedule: z.string().min(1).default('*/45 * * * *'),
  /** Bound on the gateway's wait for a lookup; past it the request is a miss and goes upstream. */
  lookupTimeoutMs: z.number().int().positive().max(60_000).default(500),
});
export type GlobalCacheSettings = z.infer<typeof GlobalCacheSettingsSchema>;
export const DEFAULT_GLOBAL_CACHE_SETTINGS: GlobalCacheSettings = GlobalCacheSettingsSchema.parse({});

/** The hit threshold of an application (its `searchDistance`, or the default of its `searchType`). */
export function searchThreshold(settings: CacheSettings): number {
  return settings.searchDistance ?? DEFAULT_SEARCH_DISTANCE[settings.searchType];
}

/** The application's `entryExpiry` in milliseconds. */
export function entryExpiryMs(settings: CacheSettings): number {
  return durationMs(settings.entryExpiry) ?? 86_400_000;
}

interface CacheCheckedApplication {
  readonly id: string;
  readonly type: 'chat' | 'completions' | 'embeddings';
  readonly cacheSettings?: CacheSettings | undefined;
}

/** Checks across fields: where caching applies, and that the vectorizer is an embeddings application. */
export function cacheSettingsProblems(
  global: GlobalCacheSettings | undefined,
  applications: readonly CacheCheckedApplication[],
  at: (...path: PropertyKey[]) => string,
): string[] {
  const problems: string[] = [];
  applications.forEach((app, i) => {
    const settings = app.cacheSettings;
    if (settings === undefined) return;
    if (app.type === 'embeddings' && settings.useCache)
      problems.push(`${at('applications', i, 'cacheSettings', 'useCache')}: embeddings are not cached`);
    const term = settings.searchContent.term;
    const expected = app.type === 'completions' ? 'prompt' : 'messages';
    if (term !== undefined && app.type !== 'embeddings' && term !== expected)
      problems.push(
        `${at('applications', i, 'cacheSettings', 'searchContent', 'term')}: a ${app.type} application searches "${expected}"`,
      );
  });
  const vectorizer = global?.vectorizer;
  if (vectorizer !== undefined && vectorizer !== 'local') {
    const app = applications.find((a) => a.id === vectorizer.application);
    if (app === undefined)
      problems.push(
        `${at('cacheSettings', 'vectorizer', 'application')}: unknown application "${vectorizer.application}"`,
      );
    else if (app.type !== 'embeddings')
      problems.push(
        `${at('cacheSettings', 'vectorizer', 'application')}: "${app.id}" is a ${app.type} application, not embeddings`,
      );
  }
  return problems;
}

import { DEFAULT_INSTANCE } from './mock-state';

export type ApiKind = 'chat' | 'completions' | 'embeddings' | 'models';

export interface ApiRoute {
  readonly kind: ApiKind;
  readonly instance: string;
  /** Azure OpenAI deployment from the path; it is the model the reply reports. */
  readonly deployment: string | null;
}

export const CONTROL_PREFIX = '/_mock/';
const INSTANCE_PREFIX = '/e/';
const AZURE_PREFIX = '/openai/deployments/';

const OPENAI_ROUTES: Readonly<Record<string, { method: string; kind: ApiKind }>> = {
  '/v1/chat/completions': { method: 'POST', kind: 'chat' },
  '/v1/completions': { method: 'POST', kind: 'completions' },
  '/v1/embeddings': { method: 'POST', kind: 'embeddings' },
  '/v1/models': { method: 'GET', kind: 'models' },
};

const AZURE_OPERATIONS: Readonly<Record<string, ApiKind>> = {
  '/chat/completions': 'chat',
  '/completions': 'completions',
  '/embeddings': 'embeddings',
};

/** Splits `/e/{name}/rest` into the instance and the rest; un-prefixed paths belong to `default`. */
export function splitInstance(path: string): { instance: string; rest: string } | null {
  if (!path.startsWith(INSTANCE_PREFIX)) return { instance: DEFAULT_INSTANCE, rest: path };
  const end = path.indexOf('/', INSTANCE_PREFIX.length);
  const raw = path.slice(INSTANCE_PREFIX.length, end === -1 ? undefined : end);
  const instance = decodeSegment(raw);
  if (!instance) return null;
  return { instance, rest: end === -1 ? '' : path.slice(end) };
}

/**
 * OpenAI routes under `/v1`, and Azure OpenAI routes
 * (`/openai/deployments/{deployment}/{operation}?api-version=…`), each also under `/e/{name}`.
 */
export function matchApiRoute(method: string, path: string): ApiRoute | null {
  const split = splitInstance(path);
  if (split === null) return null;
  const { instance, rest } = split;
  const openai = OPENAI_ROUTES[rest];
  if (openai !== undefined)
    return openai.method === method ? { kind: openai.kind, instance, deployment: null } : null;
  if (method !== 'POST' || !rest.startsWith(AZURE_PREFIX)) return null;
  const end = rest.indexOf('/', AZURE_PREFIX.length);
  if (end === -1) return null;
  const deployment = decodeSegment(rest.slice(AZURE_PREFIX.length, end));
  const kind = AZURE_OPERATIONS[rest.slice(end)];
  if (!deployment || kind === undefined) return null;
  return { kind, instance, deployment };
}

/** The instance a request is recorded under, even when its route is unknown. */
export function instanceOfPath(path: string): string {
  return splitInstance(path)?.instance ?? DEFAULT_INSTANCE;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

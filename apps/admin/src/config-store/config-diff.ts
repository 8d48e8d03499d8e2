import { formatPath } from '@aigw/config';
import { isDeepStrictEqual } from 'node:util';
import type { JsonObject } from './config-revision';
import { isJsonObject } from './config-revision';

/** An entry (application, endpoint, consumer) whose fields changed: the paths, never the values. */
export interface ChangedEntry {
  readonly id: string;
  readonly fields: readonly string[];
}

export interface ChangedApplication extends ChangedEntry {
  readonly endpoints: EntryChanges<ChangedEntry>;
}

export interface EntryChanges<T extends ChangedEntry> {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly T[];
}

/**
 * What a change does, as the dry run reports it: added, removed and changed applications (with their
 * endpoints), consumers (`auth.keys`) and the other fields of the document. Values are left out on
 * purpose (no key digest or setting is echoed); paths are enough to review a change.
 */
export interface ConfigDiff {
  readonly changed: boolean;
  readonly fields: readonly string[];
  readonly applications: EntryChanges<ChangedApplication>;
  readonly consumers: EntryChanges<ChangedEntry>;
}

/** Compares two normalised documents (the schema's output, so written defaults are no change). */
export function diffDocuments(before: unknown, after: unknown): ConfigDiff {
  const a = isJsonObject(before) ? before : {};
  const b = isJsonObject(after) ? after : {};
  const applications = diffEntries(entries(a.applications), entries(b.applications), (id, x, y) => {
    const endpoints = diffEntries(entries(x.endpoints), entries(y.endpoints), (endpointId, p, q) => {
      const fields = changedPaths(p, q);
      return fields.length > 0 ? { id: endpointId, fields } : null;
    });
    const fields = changedPaths(omit(x, 'endpoints'), omit(y, 'endpoints'));
    // Same endpoints in another order: the default priorities follow the order.
    if (isEmpty(endpoints) && !isDeepStrictEqual(ids(x.endpoints), ids(y.endpoints)))
      fields.push('endpoints');
    return fields.length > 0 || !isEmpty(endpoints) ? { id, fields, endpoints } : null;
  });
  const consumers = diffEntries(keysOf(a), keysOf(b), (id, x, y) => {
    const fields = changedPaths(x, y);
    return fields.length > 0 ? { id, fields } : null;
  });
  const fields = changedPaths(withoutEntries(a), withoutEntries(b));
  return {
    changed: fields.length > 0 || !isEmpty(applications) || !isEmpty(consumers),
    fields,
    applications,
    consumers,
  };
}

/** Entries matched by `id`; `compare` returns null when the two are the same. */
function diffEntries<T extends ChangedEntry>(
  before: readonly JsonObject[],
  after: readonly JsonObject[],
  compare: (id: string, a: JsonObject, b: JsonObject) => T | null,
): EntryChanges<T> {
  const old = new Map(before.map((e) => [String(e.id), e]));
  const now = new Map(after.map((e) => [String(e.id), e]));
  const changed: T[] = [];
  for (const [id, entry] of now) {
    const previous = old.get(id);
    const result = previous === undefined ? null : compare(id, previous, entry);
    if (result !== null) changed.push(result);
  }
  return {
    added: [...now.keys()].filter((id) => !old.has(id)),
    removed: [...old.keys()].filter((id) => !now.has(id)),
    changed,
  };
}

function isEmpty(changes: EntryChanges<ChangedEntry>): boolean {
  return changes.added.length + changes.removed.length + changes.changed.length === 0;
}

/** Leaf paths whose values differ; an array that differs is one path (its items have no identity). */
function changedPaths(a: unknown, b: unknown, path: PropertyKey[] = []): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => changedPaths(a[key], b[key], [...path, key]));
  }
  return [formatPath(path)];
}

function entries(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function ids(value: unknown): string[] {
  return entries(value).map((e) => String(e.id));
}

function keysOf(document: JsonObject): JsonObject[] {
  return isJsonObject(document.auth) ? entries(document.auth.keys) : [];
}

function omit(entry: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = entry;
  return rest;
}

function withoutEntries(document: JsonObject): JsonObject {
  const rest = omit(document, 'applications');
  if (isJsonObject(document.auth)) rest.auth = omit(document.auth, 'keys');
  return rest;
}

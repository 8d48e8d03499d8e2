import { GatewayError } from '@aigw/contracts';
import type { JsonObject } from './config-revision';
import { isJsonObject } from './config-revision';

/**
 * Lists of entries with an `id` inside the document (applications, an application's endpoints,
 * `auth.keys`), edited generically: the entries' own fields are whatever the shared schema allows.
 */
export interface EntryList {
  /** `application`, `endpoint`, `consumer`: used in messages. */
  readonly what: string;
  read(document: JsonObject): JsonObject[];
  /** Writes the list back into `document` (a copy the caller owns). */
  write(document: JsonObject, entries: JsonObject[]): void;
}

export const applicationList: EntryList = {
  what: 'application',
  read: (document) => objects(document.applications),
  write: (document, entries) => void (document.applications = entries),
};

export const consumerList: EntryList = {
  what: 'consumer',
  read: (document) => (isJsonObject(document.auth) ? objects(document.auth.keys) : []),
  write: (document, entries) => {
    document.auth = { ...(isJsonObject(document.auth) ? document.auth : {}), keys: entries };
  },
};

/** The endpoints of one application (404 when it does not exist). */
export function endpointList(applicationId: string): EntryList {
  return {
    what: 'endpoint',
    read: (document) => objects(findEntry(applicationList, document, applicationId).endpoints),
    write: (document, entries) => {
      const apps = applicationList.read(document);
      applicationList.write(
        document,
        apps.map((app) => (app.id === applicationId ? { ...app, endpoints: entries } : app)),
      );
    },
  };
}

export function findEntry(list: EntryList, document: JsonObject, id: string): JsonObject {
  const found = list.read(document).find((entry) => entry.id === id);
  if (found === undefined)
    throw new GatewayError('resource_not_found', `No ${list.what} "${id}".`, { param: 'id' });
  return found;
}

export function addEntry(list: EntryList, document: JsonObject, entry: JsonObject): JsonObject {
  const entries = list.read(document);
  if (entries.some((e) => e.id === entry.id))
    throw new GatewayError('conflict', `The ${list.what} "${String(entry.id)}" exists already.`, {
      param: 'id',
    });
  list.write(document, [...entries, entry]);
  return document;
}

/** Replaces the entry in place (its position, hence default priorities, is kept). */
export function replaceEntry(
  list: EntryList,
  document: JsonObject,
  id: string,
  entry: JsonObject,
): JsonObject {
  findEntry(list, document, id);
  if (entry.id !== id)
    throw new GatewayError(
      'invalid_request',
      `The ${list.what} id is "${id}" (from the path): it cannot change.`,
      {
        param: 'id',
      },
    );
  list.write(
    document,
    list.read(document).map((e) => (e.id === id ? entry : e)),
  );
  return document;
}

export function removeEntry(list: EntryList, document: JsonObject, id: string): JsonObject {
  findEntry(list, document, id);
  list.write(
    document,
    list.read(document).filter((e) => e.id !== id),
  );
  return document;
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

import { Injectable } from '@nestjs/common';
import type { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { validateEntry } from '../config-store/config-document';
import type { JsonObject } from '../config-store/config-revision';
import { ConfigStoreService } from '../config-store/config-store.service';
import type { EntryList } from '../config-store/document-entries';
import { addEntry, findEntry, removeEntry, replaceEntry } from '../config-store/document-entries';
import { applyMergePatch } from '../config-store/merge-patch';
import { AdminRequests, sendChange, withVersion } from './admin-requests';

/** What a write does to the document, once the request may write. */
export interface EntryChange {
  /** The version's summary in the history (`added application chat`). */
  readonly summary: string;
  /** The document after the change, and the entry as the change left it (the response's `data`). */
  readonly edit: (document: JsonObject) => { readonly document: JsonObject; readonly entry?: JsonObject };
  /** 201 when committed. */
  readonly created?: boolean;
  /** A generated API key, sent in this response only. */
  readonly key?: string;
  /** What of the entry the response shows (a consumer without its digest); the entry itself by default. */
  readonly view?: (entry: JsonObject) => JsonObject;
}

/**
 * The steps every entry resource of the admin API shares (applications, an application's endpoints,
 * consumers). A read answers under the active version (its ETag). A write authenticates first (a 401
 * before any 400), then builds its change (validating the body), which the store applies to the
 * active document, checks whole and commits as one version (or not, on a dry run); the response is
 * the change's envelope.
 */
@Injectable()
export class EntryResource {
  constructor(
    private readonly store: ConfigStoreService,
    private readonly requests: AdminRequests,
  ) {}

  async read<T>(req: FastifyRequest, reply: FastifyReply, view: (document: JsonObject) => T): Promise<T> {
    await this.requests.principal(req);
    const active = await this.store.active();
    return withVersion(reply, active.version, view(active.document));
  }

  async write(req: FastifyRequest, reply: FastifyReply, build: () => EntryChange): Promise<void> {
    const context = await this.requests.write(req);
    const change = build();
    let entry: JsonObject | undefined;
    const result = await this.store.change({
      ...context,
      summary: change.summary,
      edit: (document) => {
        const edited = change.edit(document);
        entry = edited.entry;
        return edited.document;
      },
    });
    const view = change.view ?? ((shown: JsonObject) => shown);
    sendChange(reply, result, {
      data: entry === undefined ? undefined : view(entry),
      key: change.key,
      created: change.created,
    });
  }
}

/** The list gains `entry` (409 when its id is taken). */
export function added(list: EntryList, entry: JsonObject): EntryChange['edit'] {
  return (document) => ({ document: addEntry(list, document, entry), entry });
}

/** The entry `id` becomes what `next` makes of the current one (404 when there is none). */
export function replaced(
  list: EntryList,
  id: string,
  next: (current: JsonObject) => JsonObject,
): EntryChange['edit'] {
  return (document) => {
    const entry = next(findEntry(list, document, id));
    return { document: replaceEntry(list, document, id, entry), entry };
  };
}

/** The entry `id` merge-patched (RFC 7396) and validated against `schema` as a whole entry. */
export function patched(
  list: EntryList,
  id: string,
  patch: JsonObject,
  schema: z.ZodType,
  base: (current: JsonObject) => JsonObject = (current) => current,
): EntryChange['edit'] {
  return replaced(list, id, (current) =>
    validateEntry(schema, applyMergePatch(base(current), patch), list.what),
  );
}

export function removed(list: EntryList, id: string): EntryChange['edit'] {
  return (document) => ({ document: removeEntry(list, document, id) });
}

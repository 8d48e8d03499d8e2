import { Inject, Injectable, Logger } from '@nestjs/common';
import { GatewayConfigSchema, sha256Hex } from '@aigw/config';
import { GatewayError } from '@aigw/contracts';
import type { EntityManager } from 'typeorm';
import type { DocumentEnv } from '../admin.tokens';
import { DOCUMENT_ENV } from '../admin.tokens';
import type { ConfigDiff } from './config-diff';
import { diffDocuments } from './config-diff';
import type { ValidDocument } from './config-document';
import { parseDocumentText, validateDocument } from './config-document';
import { ConfigEventsPublisher } from './config-events.publisher';
import type { ConfigRevision, ConfigRevisionSummary, JsonObject } from './config-revision';
import { ConfigStoreRepository } from './config-store.repository';

export interface ChangeRequest {
  /** The admin principal making the change. */
  readonly author: string;
  readonly summary: string;
  /** The version the change was prepared on (`If-Match`); another active version → 409. */
  readonly expectedVersion?: string | null;
  /** Report what would change, write nothing. */
  readonly dryRun?: boolean;
  /** The new document from the active one (a copy: edit freely). Throws a GatewayError to refuse. */
  readonly edit: (document: JsonObject) => JsonObject;
}

export interface ChangeResult {
  /** The version the document has after the change (or would have, on a dry run). */
  readonly version: string;
  /** The revision number now active (the new one when committed). */
  readonly revision: number;
  readonly previousVersion: string;
  readonly dryRun: boolean;
  /** False when the document came out the same (nothing written). */
  readonly committed: boolean;
  readonly diff: ConfigDiff;
  readonly document: JsonObject;
}

/**
 * The configuration store: one document, every change a new immutable revision, and an active
 * pointer moved in the same transaction. The pointer's row lock serialises writers, so a change is
 * always computed on the last committed document; `expectedVersion` turns a change prepared on an
 * older one into a 409 (optimistic concurrency).
 */
@Injectable()
export class ConfigStoreService {
  readonly #logger = new Logger('ConfigStore');

  constructor(
    private readonly repository: ConfigStoreRepository,
    private readonly events: ConfigEventsPublisher,
    @Inject(DOCUMENT_ENV) private readonly env: DocumentEnv,
  ) {}

  async active(): Promise<ConfigRevision> {
    const active = await this.unavailableOnFailure(() => this.repository.findActive());
    if (active === null)
      throw new GatewayError('service_unavailable', 'The configuration is not seeded yet.');
    return active;
  }

  async change(request: ChangeRequest): Promise<ChangeResult> {
    const outcome = await this.transaction(async (manager) => {
      const { active } = await this.repository.lockState(manager);
      if (active === null)
        throw new GatewayError('service_unavailable', 'The configuration is not seeded yet.');
      const expected = request.expectedVersion;
      if (expected !== undefined && expected !== null && expected !== active.version)
        throw new GatewayError(
          'conflict',
          `The configuration is at version ${active.version}, not ${expected}: read it again and retry.`,
          { param: 'If-Match' },
        );
      const next = validateDocument(request.edit(structuredClone(active.document)), this.env);
      const diff = diffDocuments(GatewayConfigSchema.parse(active.document), next.normalized);
      const base = {
        previousVersion: active.version,
        diff,
        document: next.document,
        version: next.config.version,
      };
      if (request.dryRun) return { ...base, dryRun: true, committed: false, revision: active.revision };
      if (next.config.version === active.version)
        return { ...base, dryRun: false, committed: false, revision: active.revision };
      const revision = await this.commit(manager, active.version, next, request.author, request.summary);
      return { ...base, dryRun: false, committed: true, revision };
    });
    if (outcome.committed)
      await this.events.changed({
        revision: outcome.revision,
        version: outcome.version,
        previousVersion: outcome.previousVersion,
      });
    return outcome;
  }

  /** Makes an earlier version active again: a new revision with that document (the history stays linear). */
  async activate(
    version: string,
    request: Pick<ChangeRequest, 'author' | 'expectedVersion' | 'dryRun'>,
  ): Promise<ChangeResult> {
    const target = await this.version(version);
    return this.change({
      ...request,
      summary: `activated version ${target.version} (revision ${target.revision})`,
      edit: () => structuredClone(target.document),
    });
  }

  async version(version: string): Promise<ConfigRevision> {
    const found = await this.unavailableOnFailure(() => this.repository.findByVersion(version));
    if (found === null)
      throw new GatewayError('resource_not_found', `No configuration version ${version}.`, {
        param: 'version',
      });
    return found;
  }

  versions(limit: number, beforeRevision?: number): Promise<ConfigRevisionSummary[]> {
    return this.unavailableOnFailure(() => this.repository.list(limit, beforeRevision));
  }

  /**
   * The file → database rule, at every start and on the ganrad `/reconfig`: the first start seeds
   * the store with the file; later, a file whose text differs from the one last seeded is imported as
   * a new version (the operator edited it: their intent wins); an unchanged file leaves the database
   * as it is (changes made through the API win). `force` (the `/reconfig` route) imports the file
   * even when it did not change. Returns the active version and whether it changed.
   */
  async importFile(
    text: string,
    source: string,
    options: { author?: string; force?: boolean } = {},
  ): Promise<{ revision: number; version: string; previousVersion: string | null; changed: boolean }> {
    const fileSha256 = sha256Hex(text);
    const outcome = await this.transaction(async (manager) => {
      const { active, seededFileSha256 } = await this.repository.lockState(manager);
      if (active !== null && seededFileSha256 === fileSha256 && !options.force)
        return {
          revision: active.revision,
          version: active.version,
          previousVersion: active.version,
          changed: false,
        };
      const next = validateDocument(parseDocumentText(text, source), this.env);
      if (active !== null && next.config.version === active.version) {
        await this.repository.setSeededFile(manager, fileSha256);
        return {
          revision: active.revision,
          version: active.version,
          previousVersion: active.version,
          changed: false,
        };
      }
      const summary =
        active === null
          ? `seeded from ${source}`
          : `imported ${source}: the file changed since it was last read`;
      const author = options.author ?? 'config-file';
      const revision = await this.commit(manager, active?.version ?? null, next, author, summary, fileSha256);
      return {
        revision,
        version: next.config.version,
        previousVersion: active?.version ?? null,
        changed: true,
      };
    });
    if (outcome.changed) {
      this.#logger.log(`configuration ${outcome.version} imported from ${source}`);
      await this.events.changed({
        revision: outcome.revision,
        version: outcome.version,
        previousVersion: outcome.previousVersion,
      });
    }
    return outcome;
  }

  /** Readiness: the database answers. */
  ping(): Promise<void> {
    return this.repository.ping();
  }

  private async commit(
    manager: EntityManager,
    parentVersion: string | null,
    next: ValidDocument,
    author: string,
    summary: string,
    seededFileSha256?: string,
  ): Promise<number> {
    const revision = await this.repository.insertRevision(manager, {
      version: next.config.version,
      document: next.document,
      parentVersion,
      author,
      summary,
    });
    await this.repository.setActive(manager, revision.revision, seededFileSha256);
    return revision.revision;
  }

  /** A database failure is a 503; the change's own refusals (GatewayErrors) pass through. */
  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.repository.transaction(work);
    } catch (error: unknown) {
      if (error instanceof GatewayError) throw error;
      this.#logger.error(
        `configuration change failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      throw new GatewayError('service_unavailable', 'The admin database is unavailable.', { cause: error });
    }
  }

  private async unavailableOnFailure<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (error: unknown) {
      throw new GatewayError('service_unavailable', 'The admin database is unavailable.', { cause: error });
    }
  }
}

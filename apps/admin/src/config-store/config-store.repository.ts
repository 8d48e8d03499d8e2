import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { DataSource } from 'typeorm';
import { ADMIN_DATA_SOURCE } from '../admin-data-source';
import type { ConfigRevision, ConfigRevisionSummary, JsonObject } from './config-revision';

interface RevisionRow {
  revision: string;
  version: string;
  document?: JsonObject;
  parent_version: string | null;
  author: string;
  summary: string;
  created_at: Date;
}

/** The active pointer as read under its row lock, inside a change's transaction. */
export interface LockedState {
  readonly active: ConfigRevision | null;
  readonly seededFileSha256: string | null;
}

export type NewRevision = Omit<ConfigRevision, 'revision' | 'createdAt'>;

const SUMMARY_COLUMNS = 'revision, version, parent_version, author, summary, created_at';

/** Every read and write of `config_revisions` and `config_state`. */
@Injectable()
export class ConfigStoreRepository {
  constructor(@InjectDataSource(ADMIN_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction; `lockState` inside it serialises concurrent writers. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** `SELECT … FOR UPDATE` of the one state row: writers queue here, so each sees the last commit. */
  async lockState(manager: EntityManager): Promise<LockedState> {
    const rows = await manager.query<
      Array<{ active_revision: string | null; seeded_file_sha256: string | null }>
    >('SELECT active_revision, seeded_file_sha256 FROM config_state WHERE id = 1 FOR UPDATE');
    const state = rows[0];
    if (!state) throw new Error('config_state has no row: the admin migrations have not run');
    const active =
      state.active_revision === null ? null : await this.findRevision(Number(state.active_revision), manager);
    return { active, seededFileSha256: state.seeded_file_sha256 };
  }

  async insertRevision(manager: EntityManager, revision: NewRevision): Promise<ConfigRevision> {
    const rows = await manager.query<RevisionRow[]>(
      `INSERT INTO config_revisions (version, document, parent_version, author, summary)
       VALUES ($1, $2::json, $3, $4, $5) RETURNING ${SUMMARY_COLUMNS}`,
      [
        revision.version,
        JSON.stringify(revision.document),
        revision.parentVersion,
        revision.author,
        revision.summary,
      ],
    );
    return { ...toSummary(rows[0]), document: revision.document };
  }

  async setActive(manager: EntityManager, revision: number, seededFileSha256?: string): Promise<void> {
    if (seededFileSha256 === undefined)
      await manager.query('UPDATE config_state SET active_revision = $1, updated_at = now() WHERE id = 1', [
        revision,
      ]);
    else
      await manager.query(
        'UPDATE config_state SET active_revision = $1, seeded_file_sha256 = $2, updated_at = now() WHERE id = 1',
        [revision, seededFileSha256],
      );
  }

  async setSeededFile(manager: EntityManager, seededFileSha256: string): Promise<void> {
    await manager.query('UPDATE config_state SET seeded_file_sha256 = $1 WHERE id = 1', [seededFileSha256]);
  }

  async findActive(): Promise<ConfigRevision | null> {
    const rows = await this.dataSource.query<Array<{ active_revision: string | null }>>(
      'SELECT active_revision FROM config_state WHERE id = 1',
    );
    const revision = rows[0]?.active_revision;
    return revision === null || revision === undefined ? null : this.findRevision(Number(revision));
  }

  /** The latest revision with this content hash (a document that came back has several). */
  async findByVersion(version: string): Promise<ConfigRevision | null> {
    const rows = await this.dataSource.query<RevisionRow[]>(
      `SELECT ${SUMMARY_COLUMNS}, document FROM config_revisions WHERE version = $1 ORDER BY revision DESC LIMIT 1`,
      [version],
    );
    return rows[0] ? toRevision(rows[0]) : null;
  }

  /** Newest first; `beforeRevision` pages further back. */
  async list(limit: number, beforeRevision?: number): Promise<ConfigRevisionSummary[]> {
    const rows = await this.dataSource.query<RevisionRow[]>(
      beforeRevision === undefined
        ? `SELECT ${SUMMARY_COLUMNS} FROM config_revisions ORDER BY revision DESC LIMIT $1`
        : `SELECT ${SUMMARY_COLUMNS} FROM config_revisions WHERE revision < $2 ORDER BY revision DESC LIMIT $1`,
      beforeRevision === undefined ? [limit] : [limit, beforeRevision],
    );
    return rows.map(toSummary);
  }

  /** Readiness: the database answers. */
  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }

  private async findRevision(revision: number, manager?: EntityManager): Promise<ConfigRevision | null> {
    const rows = await (manager ?? this.dataSource).query<RevisionRow[]>(
      `SELECT ${SUMMARY_COLUMNS}, document FROM config_revisions WHERE revision = $1`,
      [revision],
    );
    return rows[0] ? toRevision(rows[0]) : null;
  }
}

function toSummary(row: RevisionRow): ConfigRevisionSummary {
  return {
    revision: Number(row.revision),
    version: row.version,
    parentVersion: row.parent_version,
    author: row.author,
    summary: row.summary,
    createdAt: row.created_at,
  };
}

function toRevision(row: RevisionRow): ConfigRevision {
  return { ...toSummary(row), document: row.document ?? {} };
}

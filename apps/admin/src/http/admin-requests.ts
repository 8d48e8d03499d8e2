import { GatewayError } from '@aigw/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AdminAuthenticator, AdminPrincipal } from '../auth/admin.authenticator';
import type { ChangeResult } from '../config-store/config-store.service';
import type { JsonObject } from '../config-store/config-revision';
import { isJsonObject } from '../config-store/config-revision';

/** What every write takes from its request: who, on which version, and whether for real. */
export interface WriteContext {
  readonly author: string;
  readonly expectedVersion: string | null;
  readonly dryRun: boolean;
}

/** The response of every write: the version it made (or would make) and what changed. */
export interface ChangeEnvelope<T = unknown> {
  readonly version: string;
  /** The revision number active after the change: the new one when committed. */
  readonly revision: number;
  readonly previousVersion: string;
  readonly dryRun: boolean;
  /** False on a dry run, and when the change left the document as it was. */
  readonly committed: boolean;
  readonly diff: ChangeResult['diff'];
  readonly data?: T;
}

const VERSION = /^[A-Za-z0-9._-]{1,128}$/;

/** Authentication and the common parameters of admin requests. */
export class AdminRequests {
  constructor(private readonly auth: AdminAuthenticator) {}

  principal(req: FastifyRequest): Promise<AdminPrincipal> {
    return this.auth.authenticate(req.headers, req.ip);
  }

  async write(req: FastifyRequest): Promise<WriteContext> {
    const principal = await this.principal(req);
    return {
      author: principal.subject,
      expectedVersion: ifMatch(req.headers['if-match']),
      dryRun: dryRun(req.query),
    };
  }
}

/** `If-Match: "<version>"` (quotes optional, `W/` ignored); `*` or absent: whatever is active. */
export function ifMatch(header: string | string[] | undefined): string | null {
  if (header === undefined) return null;
  const value = (Array.isArray(header) ? header.join(',') : header).trim();
  if (value === '*') return null;
  const version = value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  if (!VERSION.test(version))
    throw new GatewayError(
      'precondition_failed',
      'If-Match must be one configuration version, e.g. "1a2b3c4d5e6f".',
      {
        param: 'If-Match',
      },
    );
  return version;
}

export function dryRun(query: unknown): boolean {
  const value = isJsonObject(query) ? query.dryRun : undefined;
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new GatewayError('invalid_request', 'dryRun must be true or false.', { param: 'dryRun' });
}

export function etag(version: string): string {
  return `"${version}"`;
}

/** Sends a read with its version as the ETag (the `If-Match` of a later write). */
export function withVersion<T>(reply: FastifyReply, version: string, body: T): T {
  void reply.header('etag', etag(version)).header('x-aigw-config-version', version);
  return body;
}

/**
 * Sends a write's response (handlers take `@Res()`: Nest would otherwise impose its default status):
 * 201 for a committed creation, else 200; the new version as the ETag unless it was a dry run.
 * `key` is a generated API key, sent in this response only.
 */
export function sendChange<T>(
  reply: FastifyReply,
  result: ChangeResult,
  options: { data?: T; key?: string; created?: boolean } = {},
): void {
  if (!result.dryRun) withVersion(reply, result.version, null);
  const envelope: ChangeEnvelope<T> & { key?: string } = {
    version: result.version,
    revision: result.revision,
    previousVersion: result.previousVersion,
    dryRun: result.dryRun,
    committed: result.committed,
    diff: result.diff,
    ...(options.data === undefined ? {} : { data: options.data }),
    ...(options.key === undefined || !result.committed ? {} : { key: options.key }),
  };
  void reply.code(options.created && result.committed ? 201 : 200).send(envelope);
}

/** A JSON request body that must be an object. */
export function objectBody(body: unknown): JsonObject {
  if (!isJsonObject(body))
    throw new GatewayError('invalid_request', 'The request body must be a JSON object.', { param: null });
  return body;
}

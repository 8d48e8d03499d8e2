import type { Env } from '@aigw/config';
import { readFile } from 'node:fs/promises';

/** The environment documents are validated in (the admin's own: `apiKeyEnv` variables must be set). */
export const DOCUMENT_ENV = Symbol('DOCUMENT_ENV');
export type DocumentEnv = Env;

/** The configuration file (`GATEWAY_CONFIG`): the store is seeded from it, `/reconfig` re-reads it. */
export class ConfigFileSource {
  constructor(readonly path: string) {}

  read(): Promise<string> {
    return readFile(this.path, 'utf8');
  }
}

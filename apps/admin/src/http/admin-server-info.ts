import { randomUUID } from 'node:crypto';

/** The software's version, shown by the ganrad `/instanceinfo`. */
export const ADMIN_SERVER_VERSION = '0.1.0';

/** Facts about this admin instance. */
export class AdminServerInfo {
  readonly instanceId = `admin-${randomUUID().slice(0, 8)}`;
  readonly startedAt = new Date();
  readonly serverVersion = ADMIN_SERVER_VERSION;
}

import type { HeaderRecord } from '@aigw/observability';
import type { MsgHdrs } from 'nats';
import { headers as natsHeaders } from 'nats';

export function toNatsHeaders(record: HeaderRecord): MsgHdrs | undefined {
  const keys = Object.keys(record);
  if (keys.length === 0) return undefined;
  const h = natsHeaders();
  for (const key of keys) h.set(key, record[key]);
  return h;
}

export function fromNatsHeaders(h: MsgHdrs | undefined): HeaderRecord {
  const record: HeaderRecord = {};
  if (!h) return record;
  for (const key of h.keys()) record[key.toLowerCase()] = h.get(key);
  return record;
}

import type { IncomingHttpHeaders } from 'node:http';

/** One request as the mock saw it. Times are epoch milliseconds. */
export interface RecordedRequest {
  /** Increases by one per recorded request, across instances. */
  readonly seq: number;
  readonly instance: string;
  readonly method: string;
  /** Path without the query string, including any `/e/{name}` prefix. */
  readonly path: string;
  /** The request target as received (path and query string). */
  readonly url: string;
  /** Lowercased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON; the raw text when it is not JSON; `null` when empty or not yet received. */
  readonly body: unknown;
  readonly startedAt: number;
  /** When the mock finished (or deliberately cut) the response; `null` in flight or after an abort. */
  readonly finishedAt: number | null;
  /** Status sent with the response headers; `null` until they are sent. */
  readonly status: number | null;
  /** The client closed the connection before the response finished. */
  readonly aborted: boolean;
}

/** The mutable record behind a RecordedRequest; headers stay Node's object until someone reads them. */
export interface RequestRecord {
  readonly seq: number;
  readonly instance: string;
  readonly method: string;
  readonly path: string;
  readonly url: string;
  readonly rawHeaders: IncomingHttpHeaders;
  body: unknown;
  readonly startedAt: number;
  finishedAt: number | null;
  status: number | null;
  aborted: boolean;
}

export function snapshot(record: RequestRecord): RecordedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.rawHeaders)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    seq: record.seq,
    instance: record.instance,
    method: record.method,
    path: record.path,
    url: record.url,
    headers,
    body: record.body,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
    status: record.status,
    aborted: record.aborted,
  };
}

/** A ring buffer of the last `capacity` records, so a benchmark run does not grow memory. */
export class RequestLog {
  private readonly slots: (RequestRecord | undefined)[];
  private next = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.slots = new Array<RequestRecord | undefined>(capacity);
  }

  push(record: RequestRecord): void {
    this.slots[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }

  /** Oldest first. */
  list(instance?: string): RequestRecord[] {
    const out: RequestRecord[] = [];
    const first = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i += 1) {
      const record = this.slots[(first + i) % this.capacity];
      if (record && (instance === undefined || record.instance === instance)) out.push(record);
    }
    return out;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
    this.size = 0;
  }
}

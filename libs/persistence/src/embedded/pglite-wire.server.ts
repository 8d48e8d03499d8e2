import { Logger } from '@nestjs/common';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { ProtocolEngine } from './pglite-thread';
import type { TransactionStatus } from './wire-protocol';
import { BackendTracker, FrontendFramer } from './wire-protocol';
import { SessionLock, SessionLockCancelledError } from './session-lock';

export interface PgliteWireServerOptions {
  readonly engine: ProtocolEngine;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /**
   * How long a connection may wait for the session while another one holds it (inside a transaction,
   * or between Parse and Sync). A waiter that runs out is disconnected: an error beats a silent
   * deadlock (e.g. code that queries through a second pool while its own transaction is open).
   */
  readonly lockTimeoutMs: number;
}

interface ClientSession {
  readonly id: number;
  readonly socket: Socket;
  readonly framer: FrontendFramer;
  /** Every step of one connection runs in order on this chain. */
  chain: Promise<void>;
  closed: boolean;
  /** Settles once the connection is gone and the session was handed back clean. */
  readonly finished: Promise<void>;
  readonly finish: () => void;
}

/**
 * A PostgreSQL wire-protocol server in front of one PGlite instance (a `ProtocolEngine`), so that `pg`/TypeORM connect to it
 * like to any Postgres, from any number of connections.
 *
 * PGlite is a single backend session. `PGLiteSocketServer` from @electric-sql/pglite-socket multiplexes
 * per message and pins a connection only while `IsTransactionBlock()`, so two connections' Parse/Bind/
 * Execute/Sync batches interleave and clobber the unnamed statement (electric-sql/pglite#1046, #977),
 * and one internal throw leaves its queue stuck. Here a connection owns the session from its first
 * message until the backend answers ReadyForQuery with status idle: a whole extended-protocol batch,
 * and a whole transaction, run without interleaving.
 *
 * What stays shared, because it is one session: session settings (`SET` without `LOCAL`), named
 * prepared statements, temporary tables, session advisory locks, LISTEN. Clients must use `SET LOCAL`
 * inside transactions and unique statement names; TypeORM and `pg` do both by default.
 */
export class PgliteWireServer {
  readonly #options: PgliteWireServerOptions;
  readonly #logger = new Logger('EmbeddedPostgres');
  readonly #lock = new SessionLock<ClientSession>();
  readonly #sessions = new Set<ClientSession>();
  #server: Server | null = null;
  #nextId = 1;
  #closing = false;

  constructor(options: PgliteWireServerOptions) {
    this.#options = options;
  }

  async listen(): Promise<AddressInfo> {
    if (this.#server !== null) throw new Error('the embedded Postgres server is already listening');
    const server = createServer((socket) => this.#accept(socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.#logger.error(`server error: ${error.message}`));
    return server.address() as AddressInfo;
  }

  /** Stops accepting, disconnects every client and waits until PGlite is back to an idle session. */
  async close(): Promise<void> {
    this.#closing = true;
    const server = this.#server;
    this.#server = null;
    const closed = server === null ? Promise.resolve() : new Promise<void>((r) => server.close(() => r()));
    const sessions = [...this.#sessions];
    for (const session of sessions) session.socket.destroy();
    await Promise.all(sessions.map((s) => s.finished));
    await closed;
  }

  #accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    let finish = (): void => undefined;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const session: ClientSession = {
      id: this.#nextId++,
      socket,
      framer: new FrontendFramer(),
      chain: Promise.resolve(),
      closed: false,
      finished,
      finish,
    };
    this.#sessions.add(session);
    socket.on('data', (chunk: Buffer) => this.#receive(session, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#disconnect(session));
  }

  #receive(session: ClientSession, chunk: Buffer): void {
    for (const event of session.framer.push(chunk)) {
      switch (event.kind) {
        case 'unit':
          this.#enqueue(session, () => this.#execute(session, event.bytes));
          break;
        case 'refuse-encryption':
          this.#enqueue(session, async () => void session.socket.write('N'));
          break;
        case 'close':
          this.#enqueue(session, async () => void session.socket.end());
          break;
        case 'protocol-error':
          this.#logger.warn(`connection #${session.id}: ${event.message}; closing it`);
          this.#enqueue(session, async () => void session.socket.destroy());
          break;
      }
    }
  }

  #enqueue(session: ClientSession, step: () => Promise<void>): void {
    session.chain = session.chain.then(async () => {
      if (session.closed) return;
      try {
        await step();
      } catch (error: unknown) {
        if (!session.closed) this.#fail(session, error);
      }
    });
  }

  #fail(session: ClientSession, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof SessionLockCancelledError) {
      const owner = this.#lock.owner;
      this.#logger.warn(
        `connection #${session.id}: ${message} (held by connection #${owner?.id ?? '?'}); disconnecting it`,
      );
    } else {
      this.#logger.error(`connection #${session.id}: PGlite failed: ${message}; disconnecting it`);
    }
    session.socket.destroy();
  }

  async #execute(session: ClientSession, bytes: Buffer): Promise<void> {
    await this.#lock.acquire(session, this.#options.lockTimeoutMs);
    const status = await this.#run(bytes, (chunk) => {
      if (!session.socket.destroyed) session.socket.write(chunk);
    });
    if (status === 'I') this.#lock.release(session);
  }

  /** Runs protocol bytes on PGlite; returns the final ReadyForQuery status, or null if none ended it. */
  async #run(bytes: Buffer, onData: (chunk: Buffer) => void): Promise<TransactionStatus | null> {
    const tracker = new BackendTracker();
    await this.#options.engine.exec(bytes, (chunk) => {
      tracker.push(chunk);
      onData(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
    return tracker.readyStatus;
  }

  #disconnect(session: ClientSession): void {
    session.closed = true;
    this.#lock.cancel(session, 'the connection closed');
    session.chain = session.chain.then(async () => {
      try {
        await this.#reset(session);
      } catch (error: unknown) {
        const message = error instanceof Error ? error.message : String(error);
        this.#logger.error(`connection #${session.id}: could not reset the session: ${message}`);
      } finally {
        this.#lock.release(session);
        this.#sessions.delete(session);
        session.finish();
      }
    });
  }

  /**
   * A client that disconnects while it owns the session may leave a COPY, an unfinished extended-
   * protocol batch or an open transaction behind: end them all before the next client gets the session.
   * (CopyFail and Sync are ignored by the backend when there is nothing to end.)
   */
  async #reset(session: ClientSession): Promise<void> {
    if (this.#lock.owner !== session) return;
    const ignore = (): void => undefined;
    const status = await this.#run(Buffer.concat([copyFail('the client disconnected'), SYNC]), ignore);
    if (status === 'T' || status === 'E') await this.#run(query('ROLLBACK'), ignore);
  }
}

const SYNC = Buffer.from([0x53, 0, 0, 0, 4]);

function withLength(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

function cString(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

function copyFail(reason: string): Buffer {
  return withLength('f', cString(reason));
}

function query(sql: string): Buffer {
  return withLength('Q', cString(sql));
}

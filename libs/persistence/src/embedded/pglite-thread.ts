import { Worker } from 'node:worker_threads';

/** What the wire server needs from a Postgres engine: run protocol bytes, stream the answer back. */
export interface ProtocolEngine {
  exec(bytes: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void>;
}

type FromThread =
  | { readonly type: 'ready' }
  | { readonly type: 'start-failed'; readonly message: string }
  | { readonly type: 'data'; readonly id: number; readonly chunk: Uint8Array }
  | { readonly type: 'done'; readonly id: number }
  | { readonly type: 'failed'; readonly id: number; readonly message: string }
  | { readonly type: 'closed' };

interface Pending {
  readonly onData: (chunk: Uint8Array) => void;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The thread's whole program. Plain CommonJS on purpose: a worker runs outside any module sandbox
 * (PGlite loads its WASM and extension bundles with dynamic `import()`s of Node built-ins, which
 * Jest's `vm` registry refuses), and outside the TypeScript build. Messages are handled one at a time.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { PGlite } = require(workerData.pglitePath);
const { vector } = require(workerData.vectorPath);
const describe = (e) => (e && e.message) || String(e);
const options = { extensions: { vector } };
if (workerData.dataDir !== null) options.dataDir = workerData.dataDir;
PGlite.create(options).then(
  (db) => {
    let queue = Promise.resolve();
    parentPort.on('message', (message) => {
      queue = queue.then(async () => {
        if (message.type === 'close') {
          await db.close();
          parentPort.postMessage({ type: 'closed' });
          parentPort.close();
          return;
        }
        try {
          await db.execProtocolRawStream(message.bytes, {
            onRawData: (data) => {
              const chunk = data.slice();
              parentPort.postMessage({ type: 'data', id: message.id, chunk }, [chunk.buffer]);
            },
          });
          parentPort.postMessage({ type: 'done', id: message.id });
        } catch (e) {
          parentPort.postMessage({ type: 'failed', id: message.id, message: describe(e) });
        }
      });
    });
    parentPort.postMessage({ type: 'ready' });
  },
  (e) => parentPort.postMessage({ type: 'start-failed', message: describe(e) }),
);
`;

/**
 * PGlite (Postgres compiled to WASM) with pgvector, on a worker thread of this process: a long query
 * or an index build never blocks the event loop of the services that share the process.
 */
export class PgliteThread implements ProtocolEngine {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;
  #closed: Promise<void> | null = null;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (message: FromThread) => this.#receive(message));
    worker.on('error', (error) => this.#die(new Error(`the PGlite thread crashed: ${error.message}`)));
    worker.on('exit', (code) => this.#die(new Error(`the PGlite thread exited (code ${code})`)));
  }

  /** `dataDir: null` keeps the database in memory. */
  static async start(dataDir: string | null): Promise<PgliteThread> {
    const worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        dataDir,
        pglitePath: require.resolve('@electric-sql/pglite'),
        vectorPath: require.resolve('@electric-sql/pglite-pgvector'),
      },
    });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromThread): void => {
        if (message.type !== 'ready' && message.type !== 'start-failed') return;
        worker.off('message', onMessage).off('error', reject);
        if (message.type === 'ready') resolve();
        else reject(new Error(`PGlite did not start: ${message.message}`));
      };
      worker.on('message', onMessage).once('error', reject);
    }).catch(async (error: unknown) => {
      await worker.terminate();
      throw error;
    });
    return new PgliteThread(worker);
  }

  exec(bytes: Uint8Array, onData: (chunk: Uint8Array) => void): Promise<void> {
    if (this.#dead !== null) return Promise.reject(this.#dead);
    if (this.#closed !== null) return Promise.reject(new Error('the embedded Postgres is closed'));
    const id = this.#nextId++;
    // The bytes are usually a view into a socket read's 64 KB buffer, all of which a structured clone
    // would copy: an exact-size copy is transferred instead.
    const own = new Uint8Array(bytes);
    return new Promise<void>((resolve, reject) => {
      this.#pending.set(id, { onData, resolve, reject });
      this.#worker.postMessage({ type: 'exec', id, bytes: own }, [own.buffer]);
    });
  }

  /** Closes PGlite (flushing its data directory) after the messages already sent, and ends the thread. */
  close(): Promise<void> {
    this.#closed ??=
      this.#dead !== null
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#worker.once('exit', () => resolve());
            this.#worker.postMessage({ type: 'close' });
          });
    return this.#closed;
  }

  #receive(message: FromThread): void {
    switch (message.type) {
      case 'data':
        this.#pending.get(message.id)?.onData(message.chunk);
        break;
      case 'done':
        this.#pending.get(message.id)?.resolve();
        this.#pending.delete(message.id);
        break;
      case 'failed':
        this.#pending.get(message.id)?.reject(new Error(message.message));
        this.#pending.delete(message.id);
        break;
      default:
        break;
    }
  }

  #die(error: Error): void {
    this.#dead ??= error;
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}

import type { Worker } from 'node:worker_threads';
import { builtin } from '../util/builtin.js';
import { WORKER_SOURCE } from './worker-source.js';

/** What the worker answered: a value, what the scorer threw, or why a module did not load. */
export interface WorkerReply {
  value?: unknown;
  threw?: string;
  loadError?: string;
  code?: string;
}

/**
 * A task did not get an answer. `timeout`: it ran past the deadline and its worker was ended;
 * `exited`: the worker's code called process.exit; `fault`: it threw asynchronously, left a
 * rejection unhandled, or ran out of memory; `cancelled`: the run was cancelled or is over.
 */
export class WorkerFailure extends Error {
  constructor(
    readonly reason: 'timeout' | 'exited' | 'fault' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerFailure';
  }
}

export interface PoolOptions {
  /** At most this many workers, each running one task at a time. */
  size: number;
  /** A task running longer than this is stopped: its worker is ended and replaced. */
  timeoutMs: number;
  /** Aborting it ends every worker at once and fails every task, running or queued. */
  signal?: AbortSignal;
}

interface Task {
  message: Record<string, unknown>;
  resolve(reply: WorkerReply): void;
  /** A WorkerFailure, or the DataCloneError of a message that cannot be sent. */
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  running?: Task & { id: number; timer?: NodeJS.Timeout };
  /** The worker's thread has started: a deadline measures the task, not the thread's start. */
  online: boolean;
  dead?: boolean;
}

/**
 * A few worker threads that run scoring code the main thread must not run itself: a module that
 * never settles, loops forever or calls process.exit, a regex that backtracks without end. The
 * main thread's event loop stays free, so a deadline fires and SIGTERM is answered whatever the
 * task does. Workers start on demand, and hold the process open only while they have a task.
 */
/** Heap of one scoring worker: ample for a scorer, and a few of them fit on a 7 GB runner. */
export const WORKER_HEAP_MB = 512;

export class WorkerPool {
  private readonly idle: Slot[] = [];
  private readonly busy = new Set<Slot>();
  private readonly queue: Task[] = [];
  private head = 0;
  private nextId = 1;
  private closed = false;
  private readonly onAbort = () => this.close();

  constructor(private readonly o: PoolOptions) {
    if (o.signal?.aborted) this.closed = true;
    else o.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Runs one task on the next free worker; rejects with WorkerFailure when it gets no answer. */
  run(message: Record<string, unknown>): Promise<WorkerReply> {
    if (this.closed) return Promise.reject(cancelled());
    return new Promise<WorkerReply>((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  /** Ends every worker now; tasks running or queued fail as `cancelled`. Idempotent. */
  close(): void {
    if (this.closed && this.busy.size === 0 && this.idle.length === 0) return;
    this.closed = true;
    this.o.signal?.removeEventListener('abort', this.onAbort);
    for (const slot of [...this.busy, ...this.idle]) this.retire(slot, cancelled());
    const waiting = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const t of waiting) t.reject(cancelled());
  }

  /** Workers alive now (tests). */
  get workers(): number {
    return this.busy.size + this.idle.length;
  }

  private pump(): void {
    while (!this.closed && this.head < this.queue.length) {
      let slot = this.idle.pop();
      if (!slot) {
        if (this.busy.size >= Math.max(1, this.o.size)) return;
        slot = this.spawn();
      }
      const task = this.queue[this.head]!;
      this.queue[this.head++] = undefined as unknown as Task;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.start(slot, task);
    }
  }

  /** Runs `message` once on every worker, starting them all (a module is then loaded in each). */
  async warm(message: Record<string, unknown>): Promise<WorkerReply[]> {
    // Queued together, the tasks take a worker each: none is free again until its task is answered.
    return Promise.all(Array.from({ length: Math.max(1, this.o.size) }, () => this.run(message)));
  }

  private start(slot: Slot, task: Task): void {
    const id = this.nextId++;
    const running: Task & { id: number; timer?: NodeJS.Timeout } = { ...task, id };
    const arm = () => {
      if (slot.running !== running) return;
      running.timer = setTimeout(
        () =>
          this.retire(
            slot,
            new WorkerFailure('timeout', `did not finish within ${this.o.timeoutMs} ms`),
          ),
        this.o.timeoutMs,
      );
    };
    slot.running = running;
    if (slot.online) arm();
    else slot.worker.once('online', arm);
    this.busy.add(slot);
    // A task in flight keeps the process alive until it settles or its deadline passes.
    slot.worker.ref();
    try {
      slot.worker.postMessage({ ...task.message, id });
    } catch (err) {
      clearTimeout(running.timer);
      slot.running = undefined;
      this.busy.delete(slot);
      slot.worker.unref();
      this.idle.push(slot);
      task.reject(err);
    }
  }

  private spawn(): Slot {
    // A module that allocates without end must not take the runner down with it (an OOM kill
    // leaves no report): its worker dies alone, and that answer fails as a scorer error.
    const worker = new (builtin.workerThreads().Worker)(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    const slot: Slot = { worker, online: false };
    worker.once('online', () => {
      slot.online = true;
    });
    worker.on('message', (m: WorkerReply & { id?: number; type?: string; message?: string }) => {
      if (m.type === 'fault') {
        this.retire(slot, new WorkerFailure('fault', m.message ?? 'failed'));
        return;
      }
      const task = slot.running;
      if (!task || m.id !== task.id) return;
      clearTimeout(task.timer);
      slot.running = undefined;
      this.busy.delete(slot);
      worker.unref();
      this.idle.push(slot);
      task.resolve(m);
      this.pump();
    });
    worker.on('error', (err: NodeJS.ErrnoException) =>
      this.retire(
        slot,
        new WorkerFailure(
          'fault',
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `ran out of memory (a worker may use ${WORKER_HEAP_MB} MB of heap)`
            : `threw asynchronously: ${err.message}`,
        ),
      ),
    );
    worker.on('exit', (code) =>
      this.retire(slot, new WorkerFailure('exited', `exited (process.exit(${code}))`)),
    );
    return slot;
  }

  /** Ends a worker (stopping whatever it runs); its task, if any, fails with `why`. */
  private retire(slot: Slot, why: WorkerFailure): void {
    if (slot.dead) return;
    slot.dead = true;
    const task = slot.running;
    slot.running = undefined;
    this.busy.delete(slot);
    const at = this.idle.indexOf(slot);
    if (at !== -1) this.idle.splice(at, 1);
    slot.worker.removeAllListeners('message');
    // 'error' after this would be unhandled and end the process.
    slot.worker.on('error', () => {});
    slot.worker.terminate().catch(() => {});
    if (task) {
      clearTimeout(task.timer);
      task.reject(why);
    }
    this.pump();
  }
}

function cancelled(): WorkerFailure {
  return new WorkerFailure('cancelled', 'scoring was cancelled');
}

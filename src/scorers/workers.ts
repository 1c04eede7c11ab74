import { availableParallelism } from 'node:os';
import { DEFAULT_SCORER_TIMEOUT_MS } from '../config/schema.js';
import { WorkerPool } from './worker-pool.js';

export interface ScoringWorkersOptions {
  /** run.scorer_timeout_ms: one scorer on one answer may take this long. */
  timeoutMs?: number;
  /** The run's concurrency: more workers than answers in flight would only wait. */
  concurrency?: number;
  /** The run's cancellation: every worker is ended at once. */
  signal?: AbortSignal;
}

/**
 * The run's worker pools, started on first use: one for regexes that might backtrack without
 * bound, one for custom scorer modules (a module can do anything to its thread; a regex task
 * should not share it). Each has min(cores, concurrency) workers, at least one.
 */
export class ScoringWorkers {
  readonly timeoutMs: number;
  private readonly size: number;
  private regexPool?: WorkerPool;
  private customPool?: WorkerPool;

  constructor(private readonly o: ScoringWorkersOptions = {}) {
    this.timeoutMs = o.timeoutMs ?? DEFAULT_SCORER_TIMEOUT_MS;
    this.size = Math.max(1, Math.min(availableParallelism(), o.concurrency ?? Infinity));
  }

  regex(): WorkerPool {
    this.regexPool ??= this.pool();
    return this.regexPool;
  }

  custom(): WorkerPool {
    this.customPool ??= this.pool();
    return this.customPool;
  }

  /** Ends every worker; later tasks fail as cancelled. */
  close(): void {
    this.regexPool?.close();
    this.customPool?.close();
  }

  private pool(): WorkerPool {
    return new WorkerPool({ size: this.size, timeoutMs: this.timeoutMs, signal: this.o.signal });
  }
}

/** `run.scorer_timeout_ms` as people read it: 10 s, 250 ms. */
export function showTimeout(ms: number): string {
  return ms >= 1000 && ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

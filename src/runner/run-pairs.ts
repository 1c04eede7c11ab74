import { setMaxListeners } from 'node:events';
import pLimit from 'p-limit';
import { RunAbortedError } from '../errors.js';
import { callTarget, type Target } from '../targets/target.js';
import type { CallResult, GoldenCase, Side, SideResult } from '../types.js';
import { shuffledIndices } from './shuffle.js';

export interface RunOptions {
  cases: GoldenCase[];
  targets: Partial<Record<Side, Target>>;
  /** Scores one call as soon as it returns, so outputs are not all held until the end. */
  score: (c: GoldenCase, side: Side, call: CallResult) => Promise<SideResult>;
  rng: () => number;
  maxConsecutiveErrors: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export type SideResults = Partial<Record<Side, (SideResult | undefined)[]>>;

// Outages are a different thing from regressions: a target whose calls keep failing for reasons
// that say "unreachable" ends the run (exit 3) rather than producing a verdict about quality.
const OUTAGE_KINDS = new Set([
  'network',
  'timeout',
  'http_5xx',
  'rate_limit',
  'http_4xx',
  'bad_response',
]);

/**
 * Runs every case against every given target at the same time, one limiter per target, in one
 * seeded random order shared by both sides so a slowdown mid-run hits both alike.
 */
export async function runPairs(o: RunOptions): Promise<SideResults> {
  const sides = (Object.keys(o.targets) as Side[]).filter((s) => o.targets[s]);
  const results: SideResults = {};
  const order = shuffledIndices(o.cases.length, o.rng);
  const total = order.length * sides.length;
  let done = 0;
  const abort = new AbortController();
  // Every in-flight call listens on this one signal; thousands of listeners are expected here.
  setMaxListeners(0, abort.signal);
  const onOuterAbort = () => abort.abort();
  o.signal?.addEventListener('abort', onOuterAbort, { once: true });
  // An already-aborted signal never fires 'abort': without this, every case would still be sent.
  if (o.signal?.aborted) abort.abort();
  let failure: RunAbortedError | undefined;

  const work: Promise<void>[] = [];
  for (const side of sides) {
    const target = o.targets[side]!;
    const limit = pLimit(target.concurrency);
    const out: (SideResult | undefined)[] = new Array(o.cases.length);
    results[side] = out;
    let consecutive = 0;
    let lastError = '';
    for (const i of order) {
      const c = o.cases[i]!;
      work.push(
        limit(async () => {
          if (abort.signal.aborted) return;
          const call = await callTarget(target, c, abort.signal);
          if (call.error?.kind === 'aborted') return;
          if (call.error && OUTAGE_KINDS.has(call.error.kind)) {
            consecutive++;
            lastError = call.error.message;
            if (consecutive >= o.maxConsecutiveErrors && !failure) {
              failure = new RunAbortedError(
                `stopped: ${consecutive} cases in a row failed on target ${side} (${target.label}) after retries; ` +
                  `last error: ${lastError}. An unreachable endpoint is not judged as a regression.`,
              );
              // Queued tasks see the aborted signal and return at once; in-flight calls are cancelled.
              abort.abort();
            }
          } else consecutive = 0;
          out[i] = await o.score(c, side, call);
          done++;
          o.onProgress?.(done, total);
        }),
      );
    }
  }
  try {
    await Promise.all(work);
  } finally {
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
  if (failure) throw failure;
  if (o.signal?.aborted)
    throw new RunAbortedError('the run was cancelled before every case was answered');
  return results;
}

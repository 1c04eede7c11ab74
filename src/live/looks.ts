import { decide } from '../gate/decide.js';
import type { Check, Decision, LiveLook } from '../types.js';
import { judgeLook } from './judge.js';
import type { SeriesPair, Window } from './series.js';
import { lookAlphas } from './spending.js';

/** Time as the loop sees it: injectable, so tests never wait for real minutes. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface Schedule {
  /** Data before the first look that belongs in every window (ms; 0 = from the start only). */
  historyMs: number;
  /** Between looks (ms); absent: one analysis now. */
  everyMs?: number;
  /** The last look is this long after the start (ms). */
  forMs?: number;
  stepMs: number;
}

export interface LoopResult {
  checks: Check[];
  looks: LiveLook[];
  stopped: 'fail' | 'pass' | 'end' | 'signal';
}

/** When each look happens (ms after the start) and the share of the final window it sees. */
export function lookTimes(s: Schedule): { atMs: number; fraction: number }[] {
  if (s.everyMs === undefined || s.forMs === undefined) return [{ atMs: 0, fraction: 1 }];
  const total = s.historyMs + s.forMs;
  const out: { atMs: number; fraction: number }[] = [];
  for (let at = s.everyMs; at < s.forMs; at += s.everyMs)
    out.push({ atMs: at, fraction: (s.historyMs + at) / total });
  out.push({ atMs: s.forMs, fraction: 1 });
  return out;
}

/**
 * Analyses the canary once, or at every look of a schedule over a growing window (from
 * `historyMs` before the start to the look), each look at its share of α (see lookAlphas). Stops
 * at the first look with a failed check, or where every check passes; otherwise the last look's
 * checks stand. A signal during the wait ends it at once with what the last look found.
 */
export async function runLooks(
  schedule: Schedule,
  alpha: number,
  minSamples: number,
  fetch: (w: Window) => Promise<SeriesPair[]>,
  clock: Clock,
  signal?: AbortSignal,
  /** Told before the first wait (how many looks) and after each look. */
  progress?: (event: { looks: number; done: number; last?: LiveLook }) => void,
): Promise<LoopResult> {
  const startMs = clock.now();
  const times = lookTimes(schedule);
  const alphas = lookAlphas(
    times.map((t) => t.fraction),
    alpha,
  );
  const looks: LiveLook[] = [];
  let checks: Check[] = [];
  progress?.({ looks: times.length, done: 0 });
  for (let k = 0; k < times.length; k++) {
    const due = startMs + times[k]!.atMs;
    const wait = due - clock.now();
    if (wait > 0) await clock.sleep(wait, signal);
    if (signal?.aborted) return { checks, looks, stopped: 'signal' };
    const endMs = Math.max(due, Math.min(clock.now(), due + schedule.stepMs));
    const w: Window = { startMs: startMs - schedule.historyMs, endMs, stepMs: schedule.stepMs };
    checks = judgeLook(await fetch(w), { alpha: alphas[k]!, minSamples });
    const decision: Decision = decide(checks);
    looks.push({
      start: new Date(w.startMs).toISOString(),
      end: new Date(w.endMs).toISOString(),
      alpha: alphas[k]!,
      decision,
    });
    progress?.({ looks: times.length, done: looks.length, last: looks.at(-1)! });
    if (decision === 'fail') return { checks, looks, stopped: 'fail' };
    if (decision === 'pass' && times.length > 1) return { checks, looks, stopped: 'pass' };
  }
  return { checks, looks, stopped: 'end' };
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import { loadCustomModule } from '../../src/scorers/custom.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import { type Scorer, ScorerSetupError } from '../../src/scorers/scorer.js';
import { WORKER_HEAP_MB } from '../../src/scorers/worker-pool.js';
import { ScoringWorkers } from '../../src/scorers/workers.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';

// Custom scorer modules that do what a module must not be able to do to a run: hang, spin, throw
// from a timer, exit. Each runs in a worker with a short deadline; the test process itself is
// the proof that nothing reached the main thread (a process.exit or a spin here would end or
// stall vitest).

const TIMEOUT_MS = 750;

const call = answered;

let workers: ScoringWorkers;
afterEach(() => workers?.close());

/** A scorer for a module written to a temp folder. */
async function hostile(
  source: string,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<Scorer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-hostile-'));
  const file = path.join(dir, 'mod.mjs');
  writeFileSync(file, source);
  workers = new ScoringWorkers({ timeoutMs: TIMEOUT_MS, concurrency: 2, ...options });
  const ctx = scorerContext({ configDir: dir, workers });
  ctx.modules.set(file, await loadCustomModule(file, 'mod.mjs', workers));
  return buildScorer({ type: 'custom', module: 'mod.mjs' }, 'mine', ctx);
}

// Node has had Atomics.waitAsync since 16; TypeScript's lib types it from es2024 on.
const { waitAsync } = Atomics as unknown as {
  waitAsync(a: Int32Array, index: number, value: number): { value: Promise<string> | string };
};

const FINE = 'if (output === "fine") return 1;';

describe('a hostile custom scorer fails its answer, never the run', () => {
  it.each([
    [
      'a promise that never settles',
      `export default (output) => { ${FINE} return new Promise(() => {}); };`,
    ],
    [
      'a promise that never settles while a timer keeps the thread alive',
      `export default (output) => { ${FINE} setInterval(() => {}, 1000); return new Promise(() => {}); };`,
    ],
    ['a synchronous infinite loop', `export default (output) => { ${FINE} for (;;) {} };`],
  ])(
    '%s: scorer_timeout naming the scorer and the limit; the next answer scores',
    async (_l, src) => {
      const s = await hostile(src);
      const r = await scoreCall(call('x'), goldenCase(), [s]);
      expect(r.error).toEqual({
        kind: 'scorer_timeout',
        message: `scorer "mine" failed: custom scorer mod.mjs did not finish within run.scorer_timeout_ms (${TIMEOUT_MS} ms); it was stopped`,
      });
      expect(r).toMatchObject({ score: 0, pass: false });
      // The stopped worker was replaced.
      expect(await scoreCall(call('fine'), goldenCase(), [s])).toMatchObject({
        score: 1,
        error: null,
      });
    },
  );

  it.each([
    [
      'throws from a timer',
      `export default (output) => { ${FINE} setTimeout(() => { throw new Error('late boom'); }, 0); return new Promise(() => {}); };`,
      'custom scorer mod.mjs threw asynchronously: late boom',
    ],
    [
      'leaves a rejection unhandled',
      `export default (output) => { ${FINE} Promise.reject(new Error('nobody catches me')); return new Promise(() => {}); };`,
      'custom scorer mod.mjs left a promise rejected and unhandled: nobody catches me',
    ],
    [
      'calls process.exit(0)',
      `export default (output) => { ${FINE} process.exit(0); };`,
      'the custom scorer module mod.mjs exited (process.exit(0))',
    ],
    [
      'calls process.exit(1) later',
      `export default (output) => { ${FINE} setTimeout(() => process.exit(1), 0); return new Promise(() => {}); };`,
      'the custom scorer module mod.mjs exited (process.exit(1))',
    ],
  ])('a module that %s: kind scorer with the message', async (_l, src, message) => {
    const s = await hostile(src);
    const r = await scoreCall(call('x'), goldenCase(), [s]);
    expect(r.error).toEqual({ kind: 'scorer', message: `scorer "mine" failed: ${message}` });
    expect(await scoreCall(call('fine'), goldenCase(), [s])).toMatchObject({
      score: 1,
      error: null,
    });
  });

  it('a module that allocates without end dies alone: kind scorer, out of memory', async () => {
    // Many small arrays, as a leaking scorer makes: V8 stops the worker at its heap limit. (One
    // huge array at a time can still abort the whole process: a limit of Node's own.)
    const s = await hostile(
      `export default (output) => { ${FINE} const a = []; for (;;) a.push(new Array(1e5).fill(0)); };`,
      { timeoutMs: 60_000 },
    );
    const r = await scoreCall(call('x'), goldenCase(), [s]);
    expect(r.error).toEqual({
      kind: 'scorer',
      message: `scorer "mine" failed: custom scorer mod.mjs ran out of memory (a worker may use ${WORKER_HEAP_MB} MB of heap)`,
    });
    expect(await scoreCall(call('fine'), goldenCase(), [s])).toMatchObject({ score: 1 });
  });

  it('loads a module once per worker, and gives it the output and a copy of the case', async () => {
    const s = await hostile(
      `let loads = 0; loads++;
       export default (output, c) => ({ score: 1, reason: loads + ':' + output + ':' + c.id + ':' + c.expected });`,
    );
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        scoreCall(call(`o${i}`), goldenCase({ id: `c${i}`, expected: 'e' }), [s]),
      ),
    );
    expect(results.map((r) => r.reasons?.mine)).toEqual(
      Array.from({ length: 6 }, (_, i) => `1:o${i}:c${i}:e`),
    );
  });

  it('cancelling the run ends every worker at once; the answers being scored are dropped', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-hostile-'));
    writeFileSync(
      path.join(dir, 'spin.mjs'),
      `export default (output, c) => {
         if (output === 'hang') return new Promise(() => {});
         Atomics.store(c.vars.spinning, 0, 1);
         Atomics.notify(c.vars.spinning, 0);
         for (;;) {}
       };`,
    );
    const controller = new AbortController();
    // A deadline far away: only the cancellation can end these.
    workers = new ScoringWorkers({ timeoutMs: 600_000, concurrency: 2, signal: controller.signal });
    const ctx = scorerContext({ configDir: dir, workers });
    const file = path.join(dir, 'spin.mjs');
    ctx.modules.set(file, await loadCustomModule(file, 'spin.mjs', workers));
    const s = buildScorer({ type: 'custom', module: 'spin.mjs' }, 'spin', ctx);
    // Shared memory reaches the module through the case: it says when it starts spinning.
    const spinning = new Int32Array(new SharedArrayBuffer(4));
    const c = goldenCase({ vars: { spinning } });
    const scored = ['spin', 'hang', 'queued'].map((o) => scoreCall(call(o), c, [s]));
    await waitAsync(spinning, 0, 0).value;
    controller.abort('SIGTERM');
    for (const r of await Promise.all(scored)) {
      expect(r.error).toEqual({ kind: 'aborted', message: 'scoring was cancelled' });
    }
  });
});

describe('a custom module that cannot work is bad input, found before anything is sent', () => {
  it.each([
    [
      'exits while loading',
      'process.exit(0); export default () => 1;',
      /mod\.mjs exited while loading \(process\.exit\(0\)\)/,
    ],
    [
      'never finishes loading',
      'await new Promise(() => setInterval(() => {}, 1000)); export default () => 1;',
      /mod\.mjs did not load within run\.scorer_timeout_ms \(750 ms\)/,
    ],
    [
      'throws while loading',
      'throw new Error("no config"); export default () => 1;',
      /mod\.mjs failed to load: no config/,
    ],
    ['has no default function', 'export const x = 1;', /mod\.mjs has no default export function/],
  ])('a module that %s', async (_l, src, message) => {
    const err = await hostile(src).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScorerSetupError);
    expect((err as ScorerSetupError).path).toBe('module');
    expect((err as Error).message).toMatch(message);
  });
});

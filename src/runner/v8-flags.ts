import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings for a process that runs one evaluation and exits. Called by the front doors, not by
 * the runner: they are settings of the whole process. V8 reads both each time it uses them, so
 * setting them at start takes effect; a V8 that does not know one only prints a warning.
 */
export function tuneV8(): void {
  boundHeapGrowth();
  limitInlining();
}

/**
 * Keeps the heap near what the run really holds. A run keeps little alive (its cases and one
 * small result per call), but every call in flight holds request state for tens of
 * milliseconds, long enough for V8 to promote it to the old generation, where it dies. V8 then
 * lets the old generation grow to about four times what survived the last full collection
 * before collecting again, which for 10,000 paired cases meant 70 MB of dead request state and
 * peaks near 180 MB RSS. A growth factor of 1.5 collects that garbage sooner, for a few
 * milliseconds of CPU per collection.
 */
function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/**
 * Half V8's default budget for inlining into one optimized function (920 bytes of bytecode).
 * A run's hot path is hundreds of small functions, node:http's among them, that V8 optimizes on
 * its compiler threads while the run goes on; with less inlined into each, that compiling costs
 * less, and the optimized code was no slower: 3-7% less CPU per call at 2,000 and 10,000 cases,
 * and the 100,000-case decision no slower (interleaved A/B runs, `npm run bench`).
 */
function limitInlining(): void {
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=460');
}

import { setMaxListeners } from 'node:events';
import { RunAbortedError } from '../errors.js';
import { pastBudget } from '../stats/past-budget.js';
import { callAgent, runsAgentLoop } from '../targets/agent-loop.js';
import { outageWindow } from '../targets/outage.js';
import { callTarget, costUsd, type Target } from '../targets/target.js';
import type { CallResult, GoldenCase, Side, SideResult } from '../types.js';
import type { ResponseCache } from './cache.js';
import { type BudgetShare, CostBudget } from './cost-budget.js';
import { DispatchOrder, type LaneState } from './dispatch-order.js';
import { createLane, type Lane, type SideOptions, tokenEstimate } from './lane.js';
import { estimatePromptTokens } from './rate-limit.js';
import { combineRepeats } from './repeats.js';
import { shuffledIndices } from './shuffle.js';

/** Counts for progress lines and the report. */
export interface RunStats {
  /** Calls the run means to make: cases × repeats × targets. */
  planned: number;
  /** Calls answered, failed or served from the cache so far. */
  done: number;
  cached: number;
  /** Attempts beyond the first, over all calls. */
  retries: number;
  /** Calls that failed after their retries. */
  failed: number;
}

export interface RunOptions {
  cases: GoldenCase[];
  targets: Partial<Record<Side, Target>>;
  /**
   * Scores one call as soon as it returns, so outputs are not all held until the end: at once
   * when every scorer answers synchronously, else a promise.
   */
  score: (c: GoldenCase, side: Side, call: CallResult) => SideResult | Promise<SideResult>;
  rng: () => number;
  maxConsecutiveErrors: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stats: RunStats) => void;
  /** `run.repeats`: calls per case per target (default 1). */
  repeats?: number;
  sides?: Partial<Record<Side, SideOptions>>;
  cache?: ResponseCache;
  /**
   * `run.max_cost_usd`: no call starts unless it fits with what was spent and what the calls in
   * flight are expected to cost, by what calls cost so far (see CostBudget).
   */
  maxCostUsd?: number;
  /**
   * Receives, as the run starts, a function that returns at any moment what was answered so far
   * (a case missing some of its repeats is left out): a crash guard writes it as a partial report.
   */
  watch?: (snapshot: () => RunResults) => void;
  /**
   * `gate.sequential`: case counts (in the run's order) at which dispatch waits until every case
   * before it is answered and scored, then asks `look` whether to go on; `true` ends the run
   * there, as finished, with the later cases never sent.
   */
  looks?: { at: readonly number[]; look: (cases: number, results: RunResults) => boolean };
}

export type { SideOptions } from './lane.js';

export type SideResults = Partial<Record<Side, (SideResult | undefined)[]>>;
export type RunResults = SideResults & { stats: RunStats };

export type StopReason = 'cancelled' | 'errors' | 'budget';

/**
 * The run stopped before every call was made. It carries what was answered, so the front doors
 * can still write a report marked incomplete; a case without every repeat answered is left out.
 */
export class RunStoppedError extends RunAbortedError {
  constructor(
    message: string,
    readonly reason: StopReason,
    readonly partial: SideResults,
    readonly stats: RunStats,
  ) {
    super(message);
    this.name = 'RunStoppedError';
  }
}

// Outages are a different thing from regressions: a target whose calls keep failing for reasons
// that say "unreachable" ends the run (exit 3) rather than producing a verdict about quality.
// "Keep failing" is outageWindow() calls in a row in the order they were sent, never in the order
// they came back: a partly failing endpoint answers its errors first, and must be judged on its
// error rate, not stopped (see targets/outage.ts).
const OUTAGE_KINDS = new Set([
  'network',
  'timeout',
  'http_5xx',
  'rate_limit',
  'http_4xx',
  'bad_response',
  'stream_cut',
]);

/** Dollars as people write them: $12.50, $0.003, $0.00023. */
const usd = (x: number) =>
  `$${x >= 0.01 || x === 0 ? x.toFixed(2) : String(Number(x.toPrecision(2)))}`;

/** Whether every lane calls one host: then they share its queue (see DispatchOrder). */
function sharedHost(lanes: Lane[]): boolean {
  const host = lanes[0]?.target.host;
  return host !== undefined && lanes.every((l) => l.target.host === host);
}

/**
 * Runs every case against every given target at the same time, in one seeded random order
 * shared by both sides so a slowdown mid-run hits both alike. With `repeats: k` each case's k
 * calls follow one another in that order, on both sides alike.
 *
 * Each target has its own lane: at most `concurrency` calls in flight (fewer while the endpoint
 * answers 429), its rpm/tpm allowance, and its cache. The lanes send in step: the two calls of a
 * case go out one right after the other, a seeded coin per case saying which side goes first
 * (see dispatch-order.ts), so neither side is the one an endpoint they share serves first. Dispatch is event-driven: a call that settles
 * starts the next one, and nothing is queued ahead, so memory does not grow with the size of the
 * golden set.
 */
export function runPairs(o: RunOptions): Promise<RunResults> {
  return new PairedRun(o).run();
}

class PairedRun {
  private readonly k: number;
  private readonly order: number[];
  private readonly lanes: Lane[] = [];
  private readonly dispatchOrder: DispatchOrder;
  /** What dispatch reads of each lane, refreshed in place: pump runs at least twice per call. */
  private readonly laneStates: LaneState[];
  private readonly abort = new AbortController();
  private readonly budget?: CostBudget;
  /** Each lane's part of the budget (none without one). */
  private readonly shares = new Map<Lane, BudgetShare>();
  private readonly stats: RunStats;
  private stop?: { reason: StopReason; message: string };
  private fatal?: { error: unknown };
  private scoring = 0;
  private finished = false;
  /** Jobs dispatch may reach before the next look (all of them without looks). */
  private limit: number;
  private nextLook = 0;
  private settle!: (r: RunResults) => void;
  private fail!: (e: unknown) => void;
  private readonly onOuterAbort = () => this.cancelled();

  constructor(private readonly o: RunOptions) {
    this.k = Math.max(1, o.repeats ?? 1);
    this.order = shuffledIndices(o.cases.length, o.rng);
    if (o.maxCostUsd !== undefined) this.budget = new CostBudget(o.maxCostUsd);
    // Every in-flight call listens on this one signal; thousands of listeners are expected here.
    setMaxListeners(0, this.abort.signal);
    for (const side of Object.keys(o.targets) as Side[]) {
      const target = o.targets[side];
      if (!target) continue;
      const lane = createLane(side, target, o.cases.length, o.sides?.[side] ?? {}, o.cache);
      this.lanes.push(lane);
      // Until replies say, a call's output is guessed: max_tokens when set, else a round figure.
      const guess = costUsd(lane.target.price, 0, lane.outputGuess);
      if (this.budget) this.shares.set(lane, this.budget.share(guess));
    }
    // A failing lane may run an outage window ahead: enough failures in a row to show it is down.
    const slack = Math.max(
      1,
      ...this.lanes.map((l) => outageWindow(o.maxConsecutiveErrors, l.concurrency.max)),
    );
    this.dispatchOrder = new DispatchOrder({
      jobs: this.jobsOf(),
      lanes: this.lanes.length,
      lead: sharedHost(this.lanes) ? 1 : slack,
      slack,
      rng: o.rng,
    });
    this.laneStates = this.lanes.map(() => ({ cursor: 0, room: false, failing: false }));
    this.stats = {
      planned: o.cases.length * this.k * this.lanes.length,
      done: 0,
      cached: 0,
      retries: 0,
      failed: 0,
    };
    this.limit = this.lookLimit();
    o.watch?.(() => this.results());
  }

  /** The next look's job count, or every job when no look is left before the end. */
  private lookLimit(): number {
    const at = this.o.looks?.at[this.nextLook];
    return at !== undefined && at * this.k < this.jobsOf() ? at * this.k : this.jobsOf();
  }

  /**
   * Dispatch reached a look and everything before it is scored: ask whether to go on. Returns
   * whether dispatch resumed (false: finish now).
   */
  private atLook(): boolean {
    if (!this.o.looks || this.limit >= this.jobsOf() || this.stop || this.fatal) return false;
    const cases = this.limit / this.k;
    if (this.o.looks.look(cases, this.results())) return false;
    this.nextLook++;
    this.limit = this.lookLimit();
    this.pump();
    return true;
  }

  private results(): RunResults {
    const results: RunResults = { stats: { ...this.stats } };
    for (const lane of this.lanes) results[lane.side] = lane.out;
    return results;
  }

  run(): Promise<RunResults> {
    return new Promise<RunResults>((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
      this.o.signal?.addEventListener('abort', this.onOuterAbort, { once: true });
      // An already-aborted signal never fires 'abort': without this, every case would be sent.
      if (this.o.signal?.aborted) this.cancelled();
      this.pump();
      this.maybeFinish();
    });
  }

  private jobsOf(): number {
    return this.o.cases.length * this.k;
  }

  /**
   * Starts calls while a lane has room (concurrency, budget, jobs left), one call at a time in
   * the order DispatchOrder gives: never one lane's whole window before the other's.
   */
  private pump(): void {
    const states = this.laneStates;
    while (this.stop === undefined) {
      for (let i = 0; i < this.lanes.length; i++) {
        const l = this.lanes[i]!;
        const state = states[i]!;
        state.cursor = l.cursor;
        state.room = l.inFlight < l.concurrency.limit;
        state.failing = l.failing;
      }
      const next = this.dispatchOrder.next(states);
      if (next < 0 || this.lanes[next]!.cursor >= this.limit || !this.start(this.lanes[next]!))
        return;
    }
  }

  /** Starts `lane`'s next job (or answers it from the cache); false when dispatch must wait. */
  private start(lane: Lane): boolean {
    const k = this.k;
    const j = lane.cursor;
    const at = k === 1 ? j : Math.floor(j / k);
    const repeat = j - at * k;
    const i = this.order[at]!;
    const c = this.o.cases[i]!;
    let req: ReturnType<Target['dialect']['buildRequest']>;
    try {
      req = lane.target.dialect.buildRequest(c);
    } catch (err) {
      // prepare() rendered every request already; reaching this is a bug, not bad input.
      this.crashed(err);
      return false;
    }
    // An agent loop is many calls whose later requests depend on earlier answers: the cache,
    // keyed by one request, would replay its first step only. Loops are always called.
    const agent = runsAgentLoop(lane.target, c);
    let key: string | undefined;
    if (lane.cached && !agent) {
      key = this.o.cache!.key(req, repeat, lane.salt);
      const hit = this.o.cache!.get(key);
      if (hit) {
        lane.cursor++;
        this.stats.cached++;
        const call: CallResult = {
          output: hit.output,
          latency_ms: hit.latency_ms,
          input_tokens: hit.input_tokens,
          output_tokens: hit.output_tokens,
          // What the answer costs at the target's price, so a cost comparison against a
          // fresh side stays fair; the run itself spent nothing on it.
          cost_usd: costUsd(lane.target.price, hit.input_tokens, hit.output_tokens),
          error: null,
          attempts: 0,
        };
        if (hit.ttft_ms !== undefined) call.ttft_ms = hit.ttft_ms;
        if (hit.tpot_ms !== undefined) call.tpot_ms = hit.tpot_ms;
        if (hit.tool_calls !== undefined) call.tool_calls = hit.tool_calls;
        if (hit.context !== undefined) call.context = hit.context;
        if (hit.sources !== undefined) call.sources = hit.sources;
        this.record(lane, i, repeat, c, call, true);
        return true;
      }
    }
    // All the request itself says of what the call will cost is its prompt; the lane's share
    // estimates the rest from what its calls cost so far.
    let prompt = 0;
    const share = this.shares.get(lane);
    if (share) {
      prompt = costUsd(lane.target.price, estimatePromptTokens(req.body), 0);
      if (!this.budget!.admit(share, prompt)) {
        // Calls in flight may cost less than committed: wait for them before giving up.
        if (this.budget!.callsInFlight > 0) return false;
        this.halt('budget', this.budgetMessage(share.estimate(prompt)), false);
        return false;
      }
    }
    lane.cursor++;
    lane.inFlight++;
    const ticket = lane.failures.sent();
    (agent ? callAgent : callTarget)(lane.target, c, this.abort.signal, req).then(
      (call) => {
        try {
          this.settled(lane, i, repeat, c, prompt, key, req.body, ticket, call);
        } catch (err) {
          this.crashed(err);
        }
      },
      (err) => {
        // The call is over even though it threw: counted in flight, the run would wait forever.
        lane.inFlight--;
        if (share) this.budget!.settle(share, prompt, 0);
        this.crashed(err);
      },
    );
    return true;
  }

  private settled(
    lane: Lane,
    i: number,
    repeat: number,
    c: GoldenCase,
    prompt: number,
    key: string | undefined,
    body: string | undefined,
    ticket: number,
    call: CallResult,
  ): void {
    lane.inFlight--;
    const share = this.shares.get(lane);
    if (share) this.budget!.settle(share, prompt, call.cost_usd);
    if (call.error?.kind === 'aborted') {
      lane.failures.answered(ticket);
      this.maybeFinish();
      return;
    }
    // An agent loop's attempts are summed over its steps, each of which had a first attempt.
    this.stats.retries += call.attempts - (call.steps?.length || 1);
    lane.failing = call.error !== null && OUTAGE_KINDS.has(call.error.kind);
    if (call.error) {
      this.stats.failed++;
      if (OUTAGE_KINDS.has(call.error.kind)) {
        lane.lastFailure = call.error.message;
        const run = lane.failures.failed(ticket);
        // One full burst, then a round at the pace the lane sends at now (cut by 429s).
        const { max, limit } = lane.concurrency;
        if (run >= outageWindow(this.o.maxConsecutiveErrors, max, limit)) {
          const what = this.k === 1 ? 'cases' : 'calls';
          this.halt(
            'errors',
            `stopped: ${run} ${what} in a row failed on target ${lane.side} (${lane.target.label}) after retries; ` +
              `last error: ${call.error.message}. An unreachable endpoint is not judged as a regression.`,
            true,
          );
        }
      } else lane.failures.answered(ticket);
    } else {
      lane.failures.answered(ticket);
      lane.concurrency.answered();
      if (lane.limiter && call.input_tokens + call.output_tokens > 0)
        lane.limiter.correct(tokenEstimate(lane, body), call.input_tokens + call.output_tokens);
      if (key) this.o.cache!.put(key, call);
    }
    // Start the next call before scoring this one: the endpoint's time is the scarce resource.
    // Every lane: this answer may be what another lane was held back for (see DispatchOrder).
    this.pump();
    this.record(lane, i, repeat, c, call, false);
  }

  private record(
    lane: Lane,
    i: number,
    repeat: number,
    c: GoldenCase,
    call: CallResult,
    cached: boolean,
  ): void {
    this.scoring++;
    let scored: SideResult | Promise<SideResult>;
    try {
      scored = this.o.score(c, lane.side, call);
    } catch (err) {
      this.scoring--;
      this.crashed(err);
      return;
    }
    if (!(scored instanceof Promise)) {
      this.scored(lane, i, repeat, scored, cached);
      return;
    }
    scored.then(
      (result) => this.scored(lane, i, repeat, result, cached),
      (err) => {
        this.scoring--;
        this.crashed(err);
      },
    );
  }

  private scored(lane: Lane, i: number, repeat: number, result: SideResult, cached: boolean): void {
    let thrown: { error: unknown } | undefined;
    try {
      // Scoring was cancelled with the run: the answer was never scored, so it is left out.
      if (result.error?.kind !== 'aborted') this.store(lane, i, repeat, result, cached);
    } catch (error) {
      thrown = { error };
    }
    this.scoring--;
    if (thrown) this.crashed(thrown.error);
    else this.maybeFinish();
  }

  /** Files a scored call under its case (combining repeats) and reports progress. */
  private store(lane: Lane, i: number, repeat: number, result: SideResult, cached: boolean): void {
    if (cached) result.cached = true;
    if (this.k === 1) lane.out[i] = result;
    else {
      let p = lane.partial.get(i);
      if (!p) {
        p = { results: new Array(this.k), n: 0 };
        lane.partial.set(i, p);
      }
      p.results[repeat] = result;
      if (++p.n === this.k) {
        lane.out[i] = combineRepeats(p.results);
        lane.partial.delete(i);
      }
    }
    this.stats.done++;
    this.o.onProgress?.(this.stats.done, this.stats.planned, this.stats);
  }

  /** A bug, not an endpoint's doing: stop everything and let it reach the error boundary. */
  private crashed(err: unknown): void {
    this.fatal ??= { error: err };
    this.halt('errors', 'internal error', true);
    this.maybeFinish();
  }

  private cancelled(): void {
    const why = this.o.signal?.reason;
    this.halt(
      'cancelled',
      `the run was cancelled before every case was answered${typeof why === 'string' ? ` (${why})` : ''}`,
      true,
    );
    this.maybeFinish();
  }

  /** Said once every call admitted has settled, so `spent` is what the run spent. */
  private budgetMessage(next: number): string {
    const b = this.budget!;
    const made = `${this.dispatched()} of ${this.stats.planned} calls were made; a partial run is not judged.`;
    if (pastBudget(b.spent, b.maxUsd)) {
      return (
        `stopped at run.max_cost_usd (${usd(b.maxUsd)}): ${usd(b.spent)} spent, ` +
        `${usd(b.spent - b.maxUsd)} over, by calls already in flight that cost more than estimated. ${made}`
      );
    }
    return (
      `stopped before run.max_cost_usd (${usd(b.maxUsd)}) was spent: ${usd(b.spent)} spent so far, ` +
      `and the next call would cost about ${usd(next)}. ${made}`
    );
  }

  /** Calls sent or answered from the cache so far. */
  private dispatched(): number {
    let n = 0;
    for (const lane of this.lanes) n += lane.cursor;
    return n;
  }

  /** Stops dispatch; `cancelCalls` also cancels what is in flight (money spent on it is lost). */
  private halt(reason: StopReason, message: string, cancelCalls: boolean): void {
    if (this.stop) return;
    this.stop = { reason, message };
    if (cancelCalls) this.abort.abort();
  }

  /**
   * A baseline that failed every call (a wrong key, a wrong path) on a set smaller than the
   * outage window was never seen "down", yet the candidate has nothing to be compared with: the
   * gate could not judge. (A candidate that fails every call is judged: its error rate and
   * quality block it; so is one that fails every call alongside such a baseline.)
   */
  private noAnswerAtAll(): void {
    if (this.lanes.length < 2) return;
    const silent = (lane: Lane) => {
      const got = lane.out.filter((r) => r !== undefined);
      return got.length > 0 && got.every((r) => r.error && OUTAGE_KINDS.has(r.error.kind));
    };
    // When the candidate failed every call too, its own errors are the finding (error_rate).
    if (this.lanes.some((l) => l.side === 'candidate' && silent(l))) return;
    for (const lane of this.lanes) {
      if (lane.side !== 'baseline' || !silent(lane)) continue;
      this.halt(
        'errors',
        `stopped: every call to target ${lane.side} (${lane.target.label}) failed after retries` +
          `${lane.lastFailure ? `; last error: ${lane.lastFailure}` : ''}. ` +
          'An endpoint that never answered is not judged as a regression.',
        false,
      );
      return;
    }
  }

  private maybeFinish(): void {
    if (this.finished || this.scoring > 0) return;
    for (const lane of this.lanes) {
      if (lane.inFlight > 0) return;
      if (this.stop === undefined && lane.cursor < this.limit) return;
    }
    let resumed = false;
    try {
      resumed = this.atLook();
    } catch (err) {
      this.fatal ??= { error: err };
    }
    if (resumed) {
      this.maybeFinish();
      return;
    }
    if (!this.stop && !this.fatal) this.noAnswerAtAll();
    this.finished = true;
    this.o.signal?.removeEventListener('abort', this.onOuterAbort);
    for (const lane of this.lanes) lane.limiter?.close();
    const done = () => {
      if (this.fatal) this.fail(this.fatal.error);
      else if (this.stop) {
        const { stats, ...partial } = this.results();
        this.fail(new RunStoppedError(this.stop.message, this.stop.reason, partial, stats));
      } else this.settle(this.results());
    };
    // What was paid for is kept even when the run stops: a re-run picks up from there.
    if (this.o.cache) this.o.cache.flush().then(done, done);
    else done();
  }
}

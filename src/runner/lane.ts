import { FailureRuns } from '../targets/outage.js';
import type { Target } from '../targets/target.js';
import {
  type HttpRequest,
  type HttpResponse,
  type Transport,
  TransportError,
} from '../targets/transport.js';
import type { Side, SideResult } from '../types.js';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import type { ResponseCache } from './cache.js';
import { estimatePromptTokens, RateLimiter, type RateLimits } from './rate-limit.js';

/** What one target may do beyond its concurrency: limits, cache, and a guess for estimates. */
export interface SideOptions {
  limits?: RateLimits;
  /** Answer from (and store into) `RunOptions.cache`. */
  cache?: boolean;
  /** Mixed into cache keys: what reads the reply, which the request does not show. */
  cacheSalt?: string;
  /** Output tokens to assume per call (tpm and the cost budget) until replies show what they take. */
  outputTokensGuess?: number;
}

/** Everything the run keeps per target. */
export interface Lane {
  side: Side;
  /** The target as called: its transport goes through this lane's limits first. */
  target: Target;
  out: (SideResult | undefined)[];
  /** Next job: job j is case order[j / repeats], repeat j % repeats. */
  cursor: number;
  inFlight: number;
  concurrency: AdaptiveConcurrency;
  limiter?: RateLimiter;
  cached: boolean;
  salt: string;
  outputGuess: number;
  /** Failed calls in send order: how the run tells an endpoint that is down (targets/outage.ts). */
  failures: FailureRuns;
  /** The last answered call failed as an unreachable endpoint's do (see DispatchOrder). */
  failing: boolean;
  /** The last outage-kind failure's message: a lane that never got an answer ends with it. */
  lastFailure?: string;
  /** With repeats: a case's results until all of them are in. */
  partial: Map<number, { results: SideResult[]; n: number }>;
}

/**
 * The transport as the runner hands it to callTarget: every attempt, retries included, waits
 * for the target's rpm/tpm allowance, and a 429 halves the target's concurrency.
 */
class LaneTransport implements Transport {
  constructor(
    private readonly lane: Lane,
    private readonly inner: Transport,
  ) {}

  send(req: HttpRequest): Promise<HttpResponse> {
    const lane = this.lane;
    if (lane.limiter) {
      const go = lane.limiter.acquire(tokenEstimate(lane, req.body), req.signal);
      if (go !== true) {
        return go.then((ok) => {
          if (!ok) throw new TransportError('aborted', 'the run was cancelled');
          return this.attempt(req);
        });
      }
    }
    return this.attempt(req);
  }

  private attempt(req: HttpRequest): Promise<HttpResponse> {
    const concurrency = this.lane.concurrency;
    const epoch = concurrency.epoch;
    return this.inner.send(req).then((res) => {
      if (res.status === 429) concurrency.rateLimited(epoch);
      return res;
    });
  }

  close() {
    this.inner.close();
  }
}

/** tpm is charged per attempt at this estimate and corrected by the reply's usage. */
export function tokenEstimate(lane: Lane, body: string | undefined): number {
  return estimatePromptTokens(body) + lane.outputGuess;
}

/** A target's lane: its transport wrapped so every attempt passes the lane's limits. */
export function createLane(
  side: Side,
  target: Target,
  cases: number,
  so: SideOptions,
  cache: ResponseCache | undefined,
): Lane {
  const lane: Lane = {
    side,
    target,
    out: new Array(cases),
    cursor: 0,
    inFlight: 0,
    concurrency: new AdaptiveConcurrency(target.concurrency),
    limiter: so.limits?.rpm || so.limits?.tpm ? new RateLimiter(so.limits) : undefined,
    cached: Boolean(so.cache && cache),
    salt: so.cacheSalt ?? '',
    outputGuess: so.outputTokensGuess ?? 256,
    failures: new FailureRuns(),
    failing: false,
    partial: new Map(),
  };
  lane.target = { ...target, transport: new LaneTransport(lane, target.transport) };
  return lane;
}

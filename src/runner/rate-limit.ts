/** Requests and tokens per minute a target may use; either or both. */
export interface RateLimits {
  rpm?: number;
  tpm?: number;
}

/**
 * A token bucket refilled continuously at `perMinute / 60 000` per ms, holding at most one
 * second's share: limits are quoted per minute, but providers enforce them over shorter windows,
 * so a full minute's burst at the start would be refused anyway.
 *
 * The level may go below zero: a request larger than the bucket still goes when the bucket is
 * full, and a reply that used more tokens than estimated is charged after the fact; later
 * requests then wait until the debt is repaid, so the rate over a minute holds.
 */
export class TokenBucket {
  readonly capacity: number;
  private readonly perMs: number;
  private level: number;
  private last: number;

  constructor(perMinute: number, now: number) {
    this.perMs = perMinute / 60_000;
    this.capacity = Math.max(1, perMinute / 60);
    this.level = this.capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now <= this.last) return;
    this.level = Math.min(this.capacity, this.level + (now - this.last) * this.perMs);
    this.last = now;
  }

  /** Milliseconds until `amount` may be taken (0: now). */
  waitMs(amount: number, now: number): number {
    this.refill(now);
    const need = Math.min(amount, this.capacity);
    return this.level >= need ? 0 : (need - this.level) / this.perMs;
  }

  take(amount: number, now: number): void {
    this.refill(now);
    this.level -= amount;
  }

  /** Adds (or, negative, charges) tokens: a refund, or an estimate corrected by real usage. */
  adjust(amount: number, now: number): void {
    this.refill(now);
    this.level = Math.min(this.capacity, this.level + amount);
  }
}

interface Waiter {
  tokens: number;
  resolve: (granted: boolean) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

export type Clock = () => number;

/**
 * Admits requests under `rpm` and `tpm` at once, first come first served: a waiting request is
 * never overtaken, so a large prompt cannot be starved by small ones. One timer at most, armed
 * for the moment the request at the head of the queue can go.
 */
export class RateLimiter {
  private readonly requests?: TokenBucket;
  private readonly tokens?: TokenBucket;
  private readonly queue: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    limits: RateLimits,
    private readonly now: Clock = () => performance.now(),
  ) {
    const t = now();
    if (limits.rpm) this.requests = new TokenBucket(limits.rpm, t);
    if (limits.tpm) this.tokens = new TokenBucket(limits.tpm, t);
  }

  /**
   * `true` when a request estimated at `tokens` may go now (and it is charged); otherwise a
   * promise that resolves `true` when it may, or `false` if `signal` aborts first.
   */
  acquire(tokens: number, signal?: AbortSignal): true | Promise<boolean> {
    if (this.queue.length === 0 && this.waitMs(tokens) === 0) {
      this.charge(tokens);
      return true;
    }
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const w: Waiter = { tokens, resolve, signal };
      if (signal) {
        w.onAbort = () => {
          const at = this.queue.indexOf(w);
          if (at >= 0) this.queue.splice(at, 1);
          resolve(false);
          this.drain();
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.queue.push(w);
      this.drain();
    });
  }

  /** The reply said how many tokens the request really used: settle the difference. */
  correct(estimated: number, actual: number): void {
    if (!this.tokens || estimated === actual) return;
    this.tokens.adjust(estimated - actual, this.now());
    // A refund may let the head of the queue go sooner than the armed timer says.
    if (estimated > actual) this.drain();
  }

  /** Nothing may wait past the end of a run. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.queue.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve(false);
    }
  }

  private waitMs(tokens: number): number {
    const t = this.now();
    return Math.max(this.requests?.waitMs(1, t) ?? 0, this.tokens?.waitMs(tokens, t) ?? 0);
  }

  private charge(tokens: number): void {
    const t = this.now();
    this.requests?.take(1, t);
    this.tokens?.take(tokens, t);
  }

  private drain(): void {
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      const wait = this.waitMs(head.tokens);
      if (wait > 0) {
        if (this.timer) clearTimeout(this.timer);
        // +1: a timer may fire a fraction of a millisecond early for the bucket's arithmetic.
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, Math.ceil(wait) + 1);
        return;
      }
      this.queue.shift();
      this.charge(head.tokens);
      if (head.onAbort) head.signal?.removeEventListener('abort', head.onAbort);
      head.resolve(true);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** Prompt tokens guessed from the request body: about 4 characters per token in English JSON. */
export function estimatePromptTokens(body: string | undefined): number {
  return body ? Math.ceil(body.length / 4) : 0;
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { estimatePromptTokens, RateLimiter, TokenBucket } from '../../src/runner/rate-limit.js';

// The limiter's arithmetic runs on an injected clock, and its one timer on vitest's fake timers,
// so these tests step time by hand: no waiting, and exact answers.

afterEach(() => {
  vi.useRealTimers();
});

describe('TokenBucket', () => {
  it('starts full with one second of the per-minute rate, and refills continuously', () => {
    const b = new TokenBucket(600, 0); // 10 a second
    expect(b.capacity).toBe(10);
    for (let i = 0; i < 10; i++) {
      expect(b.waitMs(1, 0)).toBe(0);
      b.take(1, 0);
    }
    expect(b.waitMs(1, 0)).toBeCloseTo(100, 9); // one token every 100 ms
    expect(b.waitMs(1, 100)).toBe(0);
    // Refill stops at capacity, however long it sat idle.
    expect(b.waitMs(10, 1_000_000)).toBe(0);
    expect(b.waitMs(11, 1_000_000)).toBe(0); // more than capacity needs a full bucket, not more
  });

  it('goes into debt for an oversized request and makes later ones repay it', () => {
    const b = new TokenBucket(60_000, 0); // 1000 tokens a second, capacity 1000
    expect(b.waitMs(5000, 0)).toBe(0);
    b.take(5000, 0); // level -4000
    expect(b.waitMs(1, 0)).toBeCloseTo(4001, 6);
    b.adjust(3000, 0); // the reply used 2000, not 5000
    expect(b.waitMs(1, 0)).toBeCloseTo(1001, 6);
  });

  it('has at least one token of capacity for tiny rates', () => {
    const b = new TokenBucket(6, 0); // one every 10 s
    expect(b.capacity).toBe(1);
    b.take(1, 0);
    expect(b.waitMs(1, 0)).toBeCloseTo(10_000, 6);
  });
});

function fakeClock() {
  vi.useFakeTimers();
  return () => Date.now();
}

describe('RateLimiter', () => {
  it('admits at once while the allowance lasts, then in order as it refills', async () => {
    const now = fakeClock();
    const start = now();
    const rl = new RateLimiter({ rpm: 120 }, now); // 2 a second
    expect(rl.acquire(0)).toBe(true);
    expect(rl.acquire(0)).toBe(true);
    const admitted: number[] = [];
    const waits = [0, 1, 2].map((i) =>
      (rl.acquire(0) as Promise<boolean>).then((ok) => {
        expect(ok).toBe(true);
        admitted.push(i);
      }),
    );
    await vi.advanceTimersByTimeAsync(400);
    expect(admitted).toEqual([]);
    await vi.advanceTimersByTimeAsync(200); // 500 ms: one token
    expect(admitted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1000);
    await Promise.all(waits);
    expect(admitted).toEqual([0, 1, 2]);
    expect(now() - start).toBeGreaterThanOrEqual(1500);
    rl.close();
  });

  it('never lets a small request overtake a large one waiting for tokens', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ tpm: 60_000 }, now); // 1000 tokens a second
    expect(rl.acquire(900)).toBe(true);
    const order: string[] = [];
    const big = (rl.acquire(800) as Promise<boolean>).then(() => order.push('big'));
    // 100 tokens are left, enough for this one, but it must queue behind the big request.
    const small = rl.acquire(50);
    expect(small).not.toBe(true);
    void (small as Promise<boolean>).then(() => order.push('small'));
    await vi.advanceTimersByTimeAsync(2000);
    await big;
    expect(order).toEqual(['big', 'small']);
    rl.close();
  });

  it('needs both allowances when rpm and tpm are set', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ rpm: 6000, tpm: 600 }, now); // 100 req/s, 10 tokens/s
    expect(rl.acquire(10)).toBe(true);
    const next = rl.acquire(10) as Promise<boolean>;
    let done = false;
    void next.then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(500);
    expect(done).toBe(false); // requests allow it, tokens do not yet
    await vi.advanceTimersByTimeAsync(600);
    expect(done).toBe(true);
    rl.close();
  });

  it('lets waiting requests go sooner when a reply used fewer tokens than estimated', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ tpm: 60_000 }, now); // capacity 1000
    expect(rl.acquire(1000)).toBe(true);
    let done = false;
    void (rl.acquire(600) as Promise<boolean>).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(done).toBe(false);
    rl.correct(1000, 300); // 700 back
    await vi.advanceTimersByTimeAsync(0);
    expect(done).toBe(true);
    rl.close();
  });

  it('charges a reply that used more than estimated, delaying what follows', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ tpm: 60_000 }, now);
    expect(rl.acquire(100)).toBe(true);
    rl.correct(100, 1900); // level 1000 - 1900 = -900
    let done = false;
    void (rl.acquire(100) as Promise<boolean>).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(990);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(20);
    expect(done).toBe(true);
    rl.close();
  });

  it('resolves false for a waiter whose signal aborts, and lets the next one move up', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ rpm: 60 }, now); // capacity 1, one a second
    expect(rl.acquire(0)).toBe(true);
    const controller = new AbortController();
    const first = rl.acquire(0, controller.signal) as Promise<boolean>;
    const second = rl.acquire(0) as Promise<boolean>;
    controller.abort();
    expect(await first).toBe(false);
    await vi.advanceTimersByTimeAsync(1001);
    expect(await second).toBe(true);
    expect(rl.acquire(0, AbortSignal.abort())).not.toBe(true);
    rl.close();
  });

  it('releases every waiter with false on close, leaving no timer behind', async () => {
    const now = fakeClock();
    const rl = new RateLimiter({ rpm: 60 }, now);
    rl.acquire(0);
    const w = rl.acquire(0) as Promise<boolean>;
    rl.close();
    expect(await w).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('estimatePromptTokens', () => {
  it('guesses four characters a token', () => {
    expect(estimatePromptTokens(undefined)).toBe(0);
    expect(estimatePromptTokens('abcd')).toBe(1);
    expect(estimatePromptTokens('abcde')).toBe(2);
  });
});

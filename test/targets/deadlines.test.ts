import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from '../../src/targets/deadlines.js';

// The clock is vitest's: setTimeout and performance.now() move only when the test says so.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines: every call’s time limit on one timer', () => {
  it('expires a call when its limit has passed, not a millisecond before', () => {
    const d = new Deadlines();
    const expired = vi.fn();
    d.add(1000, expired);
    vi.advanceTimersByTime(999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('never expires a deleted call, and still expires the calls after it on time', () => {
    const d = new Deadlines();
    const order: string[] = [];
    const first = d.add(1000, () => order.push('first'));
    vi.advanceTimersByTime(300);
    d.add(1000, () => order.push('second'));
    vi.advanceTimersByTime(300);
    d.add(1000, () => order.push('third'));
    d.delete(first);
    vi.advanceTimersByTime(699);
    expect(order).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(order).toEqual(['second']);
    vi.advanceTimersByTime(300);
    expect(order).toEqual(['second', 'third']);
  });

  it('expires calls of one limit in the order they started, all at once when they are due together', () => {
    const d = new Deadlines();
    const order: number[] = [];
    for (let i = 0; i < 5; i++) d.add(500, () => order.push(i));
    vi.advanceTimersByTime(500);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });

  it('a shorter limit added later expires first: the timer is set earlier for it', () => {
    const d = new Deadlines();
    const order: string[] = [];
    d.add(60_000, () => order.push('slow'));
    d.add(200, () => order.push('fast'));
    vi.advanceTimersByTime(200);
    expect(order).toEqual(['fast']);
    vi.advanceTimersByTime(59_799);
    expect(order).toEqual(['fast']);
    vi.advanceTimersByTime(1);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('an expiry may add or delete deadlines of its own', () => {
    const d = new Deadlines();
    const order: string[] = [];
    const later = d.add(1500, () => order.push('deleted by the first'));
    d.add(1000, () => {
      order.push('first');
      d.delete(later);
      d.add(1000, () => order.push('added by the first'));
    });
    vi.advanceTimersByTime(1000);
    expect(order).toEqual(['first']);
    vi.advanceTimersByTime(1000);
    expect(order).toEqual(['first', 'added by the first']);
  });

  it('holds no timer once nothing is pending, and none after close', () => {
    const d = new Deadlines();
    const a = d.add(1000, () => {});
    d.delete(a);
    // The timer set for `a` fires once, finds nothing and is not set again.
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
    const expired = vi.fn();
    d.add(1000, expired);
    expect(vi.getTimerCount()).toBe(1);
    d.close();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(5000);
    expect(expired).not.toHaveBeenCalled();
  });
});

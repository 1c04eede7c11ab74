import type { Clock } from '../../src/live/looks.js';

/** A clock that jumps instead of waiting: a canary's looks an hour apart run at once. */
export function jumpClock(startMs = Date.parse('2026-01-01T00:00:00Z')): Clock {
  let t = startMs;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
    },
  };
}

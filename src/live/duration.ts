// Durations as Prometheus writes them (`15s`, `5m`, `1h30m`, `500ms`, `1d`), in milliseconds.

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;

/** The duration in ms, or undefined when the text is not one (a bare number needs its unit). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (!DURATION.test(t)) return undefined;
  let ms = 0;
  for (const [, n, unit] of t.matchAll(PART)) ms += Number(n) * UNIT_MS[unit!]!;
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** `90000` → `1m30s`: how a duration reads in messages and the report. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  const parts: string[] = [];
  let left = ms;
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
    ['ms', 1],
  ] as const) {
    const n = Math.floor(left / size);
    if (n > 0) parts.push(`${n}${unit}`);
    left -= n * size;
  }
  return parts.join('');
}

import { describeValue } from './raw.js';

/**
 * Turns in a conversation, calls in a list, passages, source ids: far beyond any real case, and
 * small enough that a generated file with a runaway list is a clear error rather than a report,
 * a comment and a judge prompt that each carry it.
 */
export const MAX_LIST_ITEMS = 1000;

type Report = (at: PropertyKey[], message: string) => void;

/** RAG passages: one string, or a list of strings (an empty list: nothing was retrieved). */
export function checkContext(v: unknown, key: string, report: Report): string[] | undefined {
  if (typeof v === 'string') {
    if (v.trim() !== '') return [v];
    report([key], 'must not be empty (leave it out, or give [] for "nothing retrieved")');
    return undefined;
  }
  if (!Array.isArray(v)) {
    report([key], `must be a passage (a string) or a list of passages, got ${describeValue(v)}`);
    return undefined;
  }
  if (v.length > MAX_LIST_ITEMS) {
    report([key], `has ${v.length} passages; keep it to ${MAX_LIST_ITEMS} or fewer`);
    return undefined;
  }
  const bad = v.findIndex((p) => typeof p !== 'string');
  if (bad !== -1) {
    report([key, bad], `each passage must be a string, got ${describeValue(v[bad])}`);
    return undefined;
  }
  return v as string[];
}

/** Ids of the sources a good retrieval finds: strings or numbers (kept as text), or one id. */
export function checkSources(v: unknown, key: string, report: Report): string[] | undefined {
  const ids = typeof v === 'string' || typeof v === 'number' ? [v] : v;
  if (!Array.isArray(ids)) {
    report([key], `must be a list of source ids, got ${describeValue(v)}`);
    return undefined;
  }
  if (ids.length > MAX_LIST_ITEMS) {
    report([key], `has ${ids.length} ids; keep it to ${MAX_LIST_ITEMS} or fewer`);
    return undefined;
  }
  const out: string[] = [];
  for (const [i, id] of ids.entries()) {
    if (typeof id === 'number' && Number.isFinite(id)) out.push(String(id));
    else if (typeof id === 'string' && id.trim() !== '') out.push(id);
    else {
      report(
        Array.isArray(v) ? [key, i] : [key],
        `each source id must be a non-empty string or a number, got ${describeValue(id)}`,
      );
      return undefined;
    }
  }
  return out;
}

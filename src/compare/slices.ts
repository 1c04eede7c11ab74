import type { GoldenCase } from '../types.js';

/** The slice labels a case belongs to, e.g. `tags=billing`, `metadata.lang=en`. */
export function caseSlices(c: GoldenCase, by: readonly string[]): string[] {
  const out: string[] = [];
  for (const key of by) {
    if (key === 'tags') {
      for (const t of c.tags) out.push(`tags=${t}`);
      continue;
    }
    const v = c.metadata[key.slice('metadata.'.length)];
    if (v === undefined || v === null || v === '') continue;
    out.push(`${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return out;
}

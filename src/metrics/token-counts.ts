import type { SideResult } from '../types.js';

/**
 * Whether an answer's reply carried no token counts. A reply without `usage` (or an http app's
 * usage path that is missing) reads as 0 tokens, and no model call reads and writes nothing, so
 * an answer with neither input nor output tokens, or an agent loop with such a step, had none:
 * its $0 is unknown, not free. Only meaningful for answered calls (a failed one has no reply).
 */
export function lacksTokenCounts(r: SideResult): boolean {
  if (!(r.input_tokens > 0) && !(r.output_tokens > 0)) return true;
  if (r.steps) {
    for (const s of r.steps) if (!(s.input_tokens > 0) && !(s.output_tokens > 0)) return true;
  }
  return false;
}

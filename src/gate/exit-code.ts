import { EXIT } from '../errors.js';
import type { Decision } from '../types.js';

/** `inconclusive` blocks only when the user asked it to (`gate.on_inconclusive: fail`). */
export function blocks(decision: Decision, onInconclusive: 'pass' | 'fail'): boolean {
  return decision === 'fail' || (decision === 'inconclusive' && onInconclusive === 'fail');
}

export function exitCodeForDecision(decision: Decision, onInconclusive: 'pass' | 'fail'): number {
  return blocks(decision, onInconclusive) ? EXIT.blocked : EXIT.pass;
}

import type { Config } from '../config/schema.js';
import type { GoldenCase, Side } from '../types.js';

// A case's `messages` reach an http app only through a body string that is exactly
// `{{messages}}` (or the default body). A custom body without one sends the app the last input
// and nothing of the history, and the answer is scored as if the app had seen the conversation:
// the run would look fine while testing the wrong thing.

const MESSAGES = /^\{\{\s*messages\s*\}\}$/;

/** Whether any string in the body template is the whole-conversation placeholder. */
function usesMessages(template: unknown): boolean {
  if (typeof template === 'string') return MESSAGES.test(template);
  if (Array.isArray(template)) return template.some(usesMessages);
  if (template !== null && typeof template === 'object')
    return Object.values(template).some(usesMessages);
  return false;
}

/**
 * One warning per http target that would drop the conversations of the cases that have one: a
 * GET (no body), or a custom `body` that never places `{{messages}}`. Empty when nothing is lost.
 */
export function droppedConversationWarnings(
  config: Pick<Config, 'targets'>,
  sides: readonly Side[],
  cases: readonly GoldenCase[],
): string[] {
  const withMessages = cases.filter((c) => c.messages !== undefined && c.messages.length > 0);
  if (withMessages.length === 0) return [];
  const first = withMessages[0]!.id;
  const count = `${withMessages.length} case${withMessages.length === 1 ? ' has' : 's have'} \`messages\` (first: "${first}")`;
  const out: string[] = [];
  for (const side of sides) {
    const t = config.targets[side];
    if (t.type !== 'http') continue;
    if (t.method === 'GET') {
      out.push(
        `targets.${side}: ${count}, but this http target uses GET, which sends no body: the app never sees the conversation, only what the url's placeholders hold`,
      );
    } else if (t.body !== undefined && !usesMessages(t.body)) {
      out.push(
        `targets.${side}.body: ${count}, but the body never uses {{messages}}: the app is sent no conversation, only what the body's other placeholders hold (add a field that is exactly '{{messages}}', e.g. history: '{{messages}}')`,
      );
    }
  }
  return out;
}

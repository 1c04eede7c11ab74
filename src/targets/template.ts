import type { ChatMessage, GoldenCase } from '../types.js';

// Templates are plain text: nothing is HTML-escaped, because what we render is a prompt, not a page.
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;

/** Thrown for a placeholder the case cannot fill; the caller adds the case's file and line. */
export class TemplateError extends Error {}

function lookup(c: GoldenCase, name: string, inputText: string): unknown {
  if (name === 'input') return inputText;
  if (name === 'expected') return c.expected;
  if (name === 'id') return c.id;
  const dot = name.indexOf('.');
  if (dot > 0) {
    const root = name.slice(0, dot);
    const key = name.slice(dot + 1);
    if (root === 'vars') return c.vars[key];
    if (root === 'metadata') return c.metadata[key];
  }
  throw new TemplateError(
    `unknown placeholder {{${name}}}; use input, expected, vars.<name> or metadata.<name>`,
  );
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** `encode` transforms each filled-in value (not the template around it), e.g. for a URL. */
export function renderTemplate(
  template: string,
  c: GoldenCase,
  inputText = inputAsText(c.input),
  encode?: (value: string) => string,
): string {
  return template.replace(PLACEHOLDER, (_m, name: string) => {
    const v = lookup(c, name, inputText);
    if (v === undefined || v === null) {
      throw new TemplateError(`{{${name}}} has no value for case "${c.id}"`);
    }
    return encode ? encode(asText(v)) : asText(v);
  });
}

/** Placeholders a template uses, so the config can be checked before anything is sent. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

export function inputAsText(input: string | ChatMessage[]): string {
  if (typeof input === 'string') return input;
  for (let i = input.length - 1; i >= 0; i--)
    if (input[i]!.role === 'user') return input[i]!.content;
  return input.at(-1)?.content ?? '';
}

/**
 * The chat messages for a case: a string input goes through the prompt template as the user turn;
 * a chat-array input is sent as it is, with the template applied to its last user turn.
 */
export function buildMessages(
  c: GoldenCase,
  prompt: string | undefined,
  system: string | undefined,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (system !== undefined) messages.push({ role: 'system', content: renderTemplate(system, c) });
  if (typeof c.input === 'string') {
    messages.push({
      role: 'user',
      content: prompt === undefined ? c.input : renderTemplate(prompt, c),
    });
    return messages;
  }
  let lastUser = -1;
  c.input.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  c.input.forEach((m, i) => {
    const content =
      i === lastUser && prompt !== undefined ? renderTemplate(prompt, c, m.content) : m.content;
    messages.push({ role: m.role, content });
  });
  return messages;
}

import type { ContentPart, ConversationTurn, GoldenCase, ToolCall } from '../types.js';
import type { ResolvedTemplates } from './dialect.js';
import { buildMessages, renderTemplate } from './template.js';

// A case's conversation as the chat dialects send it. The history is kept in the neutral
// (OpenAI chat) shape until the last moment; each dialect translates it to its wire form.

function hasInput(c: GoldenCase): boolean {
  return typeof c.input === 'string' ? c.input.trim() !== '' : c.input.length > 0;
}

/**
 * The turns a case sends. A case with `messages` sends them as they are; the target's `system`
 * template is put first only when they hold no system (or developer) turn of their own, since a
 * recorded conversation already says how it was set up. A non-empty `input` is a last user turn
 * after them, through the `prompt` template as in a case without messages. `extra` is what an
 * agent loop has added (assistant tool calls and tool results).
 */
export function caseHistory(
  c: GoldenCase,
  templates: ResolvedTemplates,
  extra?: readonly ConversationTurn[],
): ConversationTurn[] {
  let turns: ConversationTurn[];
  if (c.messages) {
    turns = [];
    const { system, prompt } = templates;
    if (
      system !== undefined &&
      !c.messages.some((t) => t.role === 'system' || t.role === 'developer')
    )
      turns.push({ role: 'system', content: renderTemplate(system, c) });
    turns.push(...c.messages);
    if (hasInput(c)) turns.push(...(buildMessages(c, prompt, undefined) as ConversationTurn[]));
  } else turns = buildMessages(c, templates.prompt, templates.system) as ConversationTurn[];
  if (extra) turns.push(...extra);
  return turns;
}

/** The id a call goes by on the wire: its own, or one made from its place in the history. */
function callId(call: ToolCall, turn: number, i: number): string {
  return call.id ?? `call_${turn}_${i}`;
}

/**
 * Tool turns answer calls by id. A recorded turn without `tool_call_id` answers the earliest
 * unanswered call of the assistant turn before it (of its `name`, when it has one), so the ids
 * pair up however the dataset was written.
 */
class CallIds {
  private pending: { id: string; name: string }[] = [];

  assistant(turn: ConversationTurn, index: number): string[] {
    const ids = (turn.tool_calls ?? []).map((call, i) => callId(call, index, i));
    this.pending = ids.map((id, i) => ({ id, name: turn.tool_calls![i]!.name }));
    return ids;
  }

  answer(turn: ConversationTurn, index: number): string {
    let at = -1;
    if (turn.tool_call_id !== undefined)
      at = this.pending.findIndex((p) => p.id === turn.tool_call_id);
    else if (turn.name !== undefined) at = this.pending.findIndex((p) => p.name === turn.name);
    else if (this.pending.length > 0) at = 0;
    if (at < 0) return turn.tool_call_id ?? `call_${index}_0`;
    return this.pending.splice(at, 1)[0]!.id;
  }
}

/** Arguments as the OpenAI wire carries them: JSON text, or the raw text that never parsed. */
function argumentsText(call: ToolCall): string {
  if (call.arguments === null && call.invalid_arguments !== undefined)
    return call.invalid_arguments;
  return JSON.stringify(call.arguments ?? {});
}

/** The chat-completions `messages`: assistant tool calls in the wire shape, ids paired. */
export function openAiMessages(turns: readonly ConversationTurn[]): Record<string, unknown>[] {
  const ids = new CallIds();
  return turns.map((t, index) => {
    if (t.role === 'assistant' && t.tool_calls?.length) {
      const callIds = ids.assistant(t, index);
      return {
        role: 'assistant',
        content: t.content ?? null,
        tool_calls: t.tool_calls.map((call, i) => ({
          id: callIds[i],
          type: 'function',
          function: { name: call.name, arguments: argumentsText(call) },
        })),
      };
    }
    if (t.role === 'tool')
      return { role: 'tool', tool_call_id: ids.answer(t, index), content: t.content ?? '' };
    // The neutral shape is the OpenAI one: other turns go out as they are.
    return t.name === undefined
      ? { role: t.role, content: t.content }
      : { role: t.role, content: t.content, name: t.name };
  });
}

type Block = Record<string, unknown>;

/** `data:image/png;base64,....` → Anthropic's base64 source; any other url is a url source. */
function imageBlock(url: string): Block {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  return m
    ? { type: 'image', source: { type: 'base64', media_type: m[1], data: m[2] } }
    : { type: 'image', source: { type: 'url', url } };
}

/** OpenAI content parts as Anthropic blocks; parts already in Anthropic's shape pass as they are. */
function anthropicBlocks(content: string | ContentPart[] | null): Block[] {
  if (content === null) return [];
  // Anthropic refuses empty text blocks.
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const blocks: Block[] = [];
  for (const part of content) {
    if (part.type === 'text') {
      if (typeof part.text === 'string' && part.text !== '')
        blocks.push({ type: 'text', text: part.text });
    } else if (part.type === 'image_url') {
      const image = part.image_url as { url?: unknown } | string | undefined;
      const url = typeof image === 'string' ? image : image?.url;
      if (typeof url === 'string') blocks.push(imageBlock(url));
    } else blocks.push({ ...part });
  }
  return blocks;
}

/** A turn's text alone (system prompts are text on the Anthropic wire). */
function textOf(content: string | ContentPart[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content
    .map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : ''))
    .join('');
}

/**
 * The Messages API's `system` and `messages`: system and developer turns joined into `system`,
 * assistant tool calls as `tool_use` blocks, tool turns as `tool_result` blocks in a user turn.
 * Anthropic requires user and assistant to alternate, so consecutive turns of one role (several
 * tool results, a tool result followed by the user's next question) become one turn.
 */
export function anthropicMessages(turns: readonly ConversationTurn[]): {
  system: string[];
  messages: { role: string; content: string | Block[] }[];
} {
  const ids = new CallIds();
  const system: string[] = [];
  const messages: { role: string; content: string | Block[] }[] = [];
  turns.forEach((t, index) => {
    if (t.role === 'system' || t.role === 'developer') {
      system.push(textOf(t.content));
      return;
    }
    let role = t.role === 'assistant' ? 'assistant' : 'user';
    let content: string | Block[];
    if (t.role === 'assistant' && t.tool_calls?.length) {
      const callIds = ids.assistant(t, index);
      content = [
        ...anthropicBlocks(t.content),
        ...t.tool_calls.map((call, i) => ({
          type: 'tool_use',
          id: callIds[i],
          name: call.name,
          input: isObject(call.arguments) ? call.arguments : {},
        })),
      ];
    } else if (t.role === 'tool') {
      role = 'user';
      const result: Block = { type: 'tool_result', tool_use_id: ids.answer(t, index) };
      const c = t.content;
      if (typeof c === 'string') result.content = c;
      else if (c !== null) result.content = anthropicBlocks(c);
      content = [result];
    } else content = typeof t.content === 'string' ? t.content : anthropicBlocks(t.content);
    const last = messages.at(-1);
    if (last && last.role === role)
      last.content = [...asBlocks(last.content), ...asBlocks(content)];
    else messages.push({ role, content });
  });
  return { system, messages };
}

function asBlocks(content: string | Block[]): Block[] {
  return typeof content === 'string' ? anthropicBlocks(content) : content;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

import type { ContentPart, ConversationTurn, ToolCall } from '../types.js';
import { MAX_LIST_ITEMS } from './rag-fields.js';
import { describeValue, isPlainObject } from './raw.js';
import { readToolCalls } from './tool-call.js';

// A case's `messages`: a conversation in the OpenAI chat shape. Everything a provider would
// refuse with a 400 for every case of the run is refused here instead, before anything is sent:
// a tool turn that answers no call, a call left unanswered, a conversation with no user in it.

const ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;
type Role = (typeof ROLES)[number];

type Report = (at: PropertyKey[], message: string) => void;

/**
 * The turns of `v`, checked; undefined after reporting every problem. `input`, when the case has
 * one, is its last user turn: it is appended here, so `messages` is the whole conversation sent.
 */
export function checkMessages(
  v: unknown,
  key: string,
  input: string | undefined,
  report: Report,
): ConversationTurn[] | undefined {
  if (!Array.isArray(v)) {
    report([key], `must be a list of turns {role, content}, got ${describeValue(v)}`);
    return undefined;
  }
  if (v.length === 0 && input === undefined) {
    report([key], 'must not be an empty list of turns');
    return undefined;
  }
  if (v.length > MAX_LIST_ITEMS) {
    report([key], `has ${v.length} turns; keep a conversation to ${MAX_LIST_ITEMS} or fewer`);
    return undefined;
  }
  let ok = true;
  const fault = (at: PropertyKey[], message: string) => {
    report([key, ...at], message);
    ok = false;
  };
  const turns: ConversationTurn[] = [];
  v.forEach((t, i) => {
    const turn = checkTurn(t, (at, m) => fault([i, ...at], m));
    if (turn) turns.push(turn);
  });
  if (!ok) return undefined;
  if (input !== undefined) turns.push({ role: 'user', content: input });
  checkToolFlow(turns, (at, m) => fault(at, m));
  if (ok && !turns.some((t) => t.role === 'user')) {
    fault([], 'has no user turn: a conversation needs at least one (or give "input" as its last)');
  }
  return ok ? turns : undefined;
}

function checkTurn(t: unknown, fault: Report): ConversationTurn | undefined {
  if (!isPlainObject(t)) {
    fault([], `each turn must be an object {role, content}, got ${describeValue(t)}`);
    return undefined;
  }
  const before = { bad: false };
  const bad: Report = (at, m) => {
    before.bad = true;
    fault(at, m);
  };
  const role = t.role;
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    bad(
      ['role'],
      role === undefined
        ? `is required: one of ${ROLES.join(', ')}`
        : `must be one of ${ROLES.join(', ')}, got ${typeof role === 'string' ? JSON.stringify(role) : describeValue(role)}`,
    );
    return undefined;
  }
  let toolCalls: ToolCall[] | undefined;
  if (t.tool_calls !== undefined && t.tool_calls !== null) {
    if (role !== 'assistant') bad(['tool_calls'], 'only an assistant turn makes tool calls');
    else {
      const r = readToolCalls(t.tool_calls, {}, MAX_LIST_ITEMS);
      for (const p of r.problems) bad(['tool_calls', ...p.at], p.message);
      // An empty list is what some exporters write for "no calls".
      if (r.calls && r.calls.length > 0) toolCalls = r.calls;
    }
  }
  // Calls that were given but are faulty still excuse a null content: one problem, not two.
  const callsGiven = role === 'assistant' && Array.isArray(t.tool_calls) && t.tool_calls.length > 0;
  const content = checkContent(t.content, role, callsGiven, bad);
  const turn: ConversationTurn = { role: role as Role, content: content ?? null };
  if (toolCalls) turn.tool_calls = toolCalls;
  if (role === 'tool') {
    if (typeof t.tool_call_id !== 'string' || t.tool_call_id === '') {
      bad(
        ['tool_call_id'],
        t.tool_call_id === undefined
          ? 'is required: the id of the assistant tool call this turn answers'
          : `must be a non-empty string, got ${describeValue(t.tool_call_id)}`,
      );
    } else turn.tool_call_id = t.tool_call_id;
  } else if (t.tool_call_id !== undefined && t.tool_call_id !== null) {
    bad(['tool_call_id'], 'only a tool turn answers a tool call');
  }
  if (t.name !== undefined && t.name !== null) {
    if (typeof t.name === 'string') turn.name = t.name;
    else bad(['name'], `must be a string, got ${describeValue(t.name)}`);
  }
  return before.bad ? undefined : turn;
}

function checkContent(
  c: unknown,
  role: string,
  hasCalls: boolean,
  bad: Report,
): string | ContentPart[] | null | undefined {
  if (typeof c === 'string') return c;
  if (c === undefined || c === null) {
    // An assistant turn that only calls tools has no text: OpenAI writes null there.
    if (role === 'assistant' && hasCalls) return null;
    bad(
      ['content'],
      c === undefined
        ? 'is required (null only for an assistant turn that makes tool calls)'
        : 'may be null only for an assistant turn that makes tool calls',
    );
    return undefined;
  }
  if (!Array.isArray(c)) {
    bad(
      ['content'],
      `must be a string or a list of parts [{type: "text", text}], got ${describeValue(c)}`,
    );
    return undefined;
  }
  if (c.length === 0) {
    bad(['content'], 'must not be an empty list of parts');
    return undefined;
  }
  let ok = true;
  c.forEach((p, j) => {
    if (!isPlainObject(p) || typeof p.type !== 'string' || p.type === '') {
      bad(
        ['content', j],
        `each part must be an object with a "type", e.g. {type: "text", text: "..."}, got ${describeValue(p)}`,
      );
      ok = false;
    } else if (p.type === 'text' && typeof p.text !== 'string') {
      bad(
        ['content', j, 'text'],
        `a text part needs "text" as a string, got ${describeValue(p.text)}`,
      );
      ok = false;
    }
  });
  return ok ? (c as ContentPart[]) : undefined;
}

/**
 * Every tool turn answers a call of the assistant turn just before it (tool turns in between
 * allowed), by `tool_call_id`; every call is answered before the conversation goes on. Both
 * providers refuse a conversation that breaks either rule.
 */
function checkToolFlow(turns: ConversationTurn[], fault: Report): void {
  const seen = new Set<string>();
  let open = new Map<string, (string | number)[]>();
  const closeOpen = () => {
    for (const [id, at] of open) {
      fault(
        at,
        `is never answered: add a tool turn with tool_call_id "${id}" right after this turn`,
      );
    }
    open = new Map();
  };
  turns.forEach((t, i) => {
    if (t.role === 'tool') {
      const id = t.tool_call_id!;
      if (open.delete(id)) return;
      fault(
        [i, 'tool_call_id'],
        seen.has(id)
          ? `"${id}" was answered already or is not from the assistant turn just before this one`
          : `"${id}" answers no earlier assistant tool call in this conversation`,
      );
      return;
    }
    closeOpen();
    t.tool_calls?.forEach((call, j) => {
      const at = [i, 'tool_calls', j];
      if (call.id === undefined) {
        fault(
          at,
          'has no id, so no tool turn can answer it: give it an "id" and answer it with a tool turn',
        );
        return;
      }
      if (seen.has(call.id)) {
        fault([...at, 'id'], `"${call.id}" is used by an earlier call; each call needs its own id`);
        return;
      }
      seen.add(call.id);
      open.set(call.id, at);
    });
  });
  closeOpen();
}

/** The text of a turn's content: a string, or its text parts joined by newlines. */
export function turnText(content: ConversationTurn['content']): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .filter((p) => p.type === 'text' && typeof p.text === 'string')
    .map((p) => p.text)
    .join('\n');
}

/** What a case asks: the text of the conversation's last user turn. */
export function lastUserText(turns: readonly ConversationTurn[]): string {
  for (let i = turns.length - 1; i >= 0; i--) {
    if (turns[i]!.role === 'user') return turnText(turns[i]!.content);
  }
  return '';
}

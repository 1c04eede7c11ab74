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
 * one, is sent as a last user turn after them (src/targets/conversation.ts): it is checked as part
 * of the conversation here, but not added to the turns returned.
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
  const sent: ConversationTurn[] =
    input === undefined ? turns : [...turns, { role: 'user', content: input }];
  checkToolFlow(sent, (at, m) => fault(at, m));
  if (ok && !sent.some((t) => t.role === 'user')) {
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
    if (t.tool_call_id === undefined || t.tool_call_id === null) {
      // Paired by position and name (checkToolFlow), as the wire does.
    } else if (typeof t.tool_call_id !== 'string' || t.tool_call_id === '') {
      bad(['tool_call_id'], `must be a non-empty string, got ${describeValue(t.tool_call_id)}`);
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
 * allowed), and every call is answered before the conversation goes on: both providers refuse a
 * conversation that breaks either rule. A tool turn names its call by `tool_call_id`; without one
 * it answers the earliest unanswered call (of its `name`, when it gives one), and a call without
 * an `id` gets one on the wire: the pairing src/targets/conversation.ts sends.
 */
function checkToolFlow(turns: ConversationTurn[], fault: Report): void {
  const seen = new Set<string>();
  let open: { id?: string; name: string; at: (string | number)[] }[] = [];
  const closeOpen = () => {
    for (const call of open) {
      fault(
        call.at,
        call.id === undefined
          ? `is never answered: add a tool turn answering this "${call.name}" call right after this turn`
          : `is never answered: add a tool turn with tool_call_id "${call.id}" right after this turn`,
      );
    }
    open = [];
  };
  turns.forEach((t, i) => {
    if (t.role === 'tool') {
      const id = t.tool_call_id;
      const at =
        id !== undefined
          ? open.findIndex((c) => c.id === id)
          : open.findIndex((c) => t.name === undefined || c.name === t.name);
      if (at >= 0) {
        open.splice(at, 1);
        return;
      }
      if (id === undefined) {
        fault(
          [i],
          `answers no call: the assistant turn before it has no unanswered${t.name === undefined ? '' : ` "${t.name}"`} call`,
        );
      } else {
        fault(
          [i, 'tool_call_id'],
          seen.has(id)
            ? `"${id}" was answered already or is not from the assistant turn just before this one`
            : `"${id}" answers no earlier assistant tool call in this conversation`,
        );
      }
      return;
    }
    closeOpen();
    t.tool_calls?.forEach((call, j) => {
      const at = [i, 'tool_calls', j];
      if (call.id !== undefined) {
        if (seen.has(call.id)) {
          fault(
            [...at, 'id'],
            `"${call.id}" is used by an earlier call; each call needs its own id`,
          );
          return;
        }
        seen.add(call.id);
      }
      open.push({ ...(call.id !== undefined ? { id: call.id } : {}), name: call.name, at });
    });
  });
  closeOpen();
}

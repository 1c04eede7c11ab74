import type { AgentStep, CaseReport, ConversationTurn, SideResult, ToolCall } from '../types.js';
import { toolCallText } from '../util/tool-call-text.js';

// The page shows a tool call as the comment, the console and JUnit do (src/util/tool-call-text.ts):
// it carries each call as that text, already bounded, instead of formatting the arguments in the
// browser its own way. Still untrusted text: the page puts it in a text node.

/** A tool call as the page carries it. */
export interface PageToolCall {
  id?: string;
  text: string;
}

function texts(calls: readonly ToolCall[]): PageToolCall[] {
  return calls.map((c) =>
    c.id === undefined ? { text: toolCallText(c) } : { id: c.id, text: toolCallText(c) },
  );
}

function turns(list: ConversationTurn[]): unknown[] {
  return list.map((t) => (t.tool_calls ? { ...t, tool_calls: texts(t.tool_calls) } : t));
}

function side(r: SideResult): unknown {
  if (!r.tool_calls && !r.steps) return r;
  const out: Record<string, unknown> = { ...r };
  if (r.tool_calls) out.tool_calls = texts(r.tool_calls);
  if (r.steps)
    out.steps = r.steps.map((s: AgentStep) =>
      s.tool_calls ? { ...s, tool_calls: texts(s.tool_calls) } : s,
    );
  return out;
}

/** A copy of the case (the report itself untouched) with every tool call as its text. */
export function withCallTexts(c: CaseReport): unknown {
  const out: Record<string, unknown> = { ...c };
  if (c.expected_tool_calls) out.expected_tool_calls = texts(c.expected_tool_calls);
  if (c.messages) out.messages = turns(c.messages);
  if (c.baseline) out.baseline = side(c.baseline);
  if (c.candidate) out.candidate = side(c.candidate);
  return out;
}

import { createHash } from 'node:crypto';
import { canonicalJson } from '../report/fingerprint.js';
import type { ChatMessage, ConversationTurn, GoldenCase } from '../types.js';

// Several cases cut from one conversation (turn 2, turn 3, ... each replayed with the history
// before it) share the user, the topic and the model's earlier answers: their outcomes move
// together, and counting them as independent makes intervals too narrow. Without
// gate.cluster_by, such cases are found and made one cluster:
// - an explicit `conversation_id` (top level or in metadata) names the conversation exactly;
// - otherwise a case whose whole conversation begins with all of another case's turns continues
//   it (turn 3's history holds turn 2's), and the two are one conversation.
// The opening turns alone would not do: few-shot examples put the same system and first user
// turn in front of every case of a set, and common openings ("hi") are shared by conversations
// that have nothing else in common. Plain `input` cases are never clustered this way.

/** The metadata key that names a case's conversation. */
export const CONVERSATION_KEY = 'conversation_id';

function explicitId(c: GoldenCase): string | undefined {
  const v = c.metadata[CONVERSATION_KEY];
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** The whole conversation a case sends: its messages and its input as a last user turn. */
function turnsOf(c: GoldenCase): readonly (ConversationTurn | ChatMessage)[] | undefined {
  if (c.messages) {
    return typeof c.input === 'string' && c.input.trim() !== ''
      ? [...c.messages, { role: 'user', content: c.input }]
      : c.messages;
  }
  return Array.isArray(c.input) ? c.input : undefined;
}

/**
 * A turn as it bears on being the same turn: role, text and the calls made (arguments with their
 * keys sorted). Call ids are left out: a replay of one conversation may number its calls anew.
 */
function turnKey(t: ConversationTurn | ChatMessage): string {
  const calls = 'tool_calls' in t ? t.tool_calls : undefined;
  return JSON.stringify([
    t.role,
    t.content,
    calls ? calls.map((c) => [c.name, canonicalJson(c.arguments ?? null)]) : 0,
  ]);
}

/** Keys of each prefix of `turns` (1 turn, 2 turns, ...): a hash chain, O(total turns). */
function prefixKeys(turns: readonly (ConversationTurn | ChatMessage)[]): string[] {
  const keys: string[] = [];
  let key = '';
  for (const t of turns) {
    key = createHash('sha1').update(key).update(turnKey(t)).digest('base64');
    keys.push(key);
  }
  return keys;
}

/**
 * Each case's conversation cluster: `metadata.conversation_id=<id>` for an explicit id,
 * `conversation=<id of its first case>` for one found by its turns; undefined for a case that
 * shares its conversation with no other case (it is its own cluster).
 */
export function conversationClusters(cases: readonly GoldenCase[]): (string | undefined)[] {
  const parent = cases.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  // The smaller index is the root, so a cluster is named after its first case in load order.
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };

  const byExplicit = new Map<string, number>();
  const explicit: (string | undefined)[] = [];
  const chains: { i: number; keys: string[] }[] = [];
  const ends = new Map<string, number>();
  cases.forEach((c, i) => {
    const id = explicitId(c);
    explicit.push(id);
    if (id !== undefined) {
      const first = byExplicit.get(id);
      if (first === undefined) byExplicit.set(id, i);
      else union(first, i);
      return;
    }
    const turns = turnsOf(c);
    if (!turns || turns.length === 0) return;
    const keys = prefixKeys(turns);
    chains.push({ i, keys });
    const end = keys.at(-1)!;
    const same = ends.get(end);
    if (same === undefined) ends.set(end, i);
    else union(same, i);
  });
  for (const { i, keys } of chains) {
    // Every earlier case whose conversation this one continues (the last key is the case itself).
    for (let k = 0; k < keys.length - 1; k++) {
      const j = ends.get(keys[k]!);
      if (j !== undefined) union(i, j);
    }
  }

  const size = new Uint32Array(cases.length);
  for (let i = 0; i < cases.length; i++) size[find(i)]!++;
  return cases.map((_, i) => {
    const root = find(i);
    if (size[root]! < 2) return undefined;
    const named = explicit[root];
    return named !== undefined
      ? `metadata.${CONVERSATION_KEY}=${named}`
      : `conversation=${cases[root]!.id}`;
  });
}

/** A case's metadata without the conversation key, when conversations are already clusters. */
export function withoutConversationKey(
  metadata: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  if (!metadata || !(CONVERSATION_KEY in metadata)) return metadata;
  const { [CONVERSATION_KEY]: _, ...rest } = metadata;
  return rest;
}

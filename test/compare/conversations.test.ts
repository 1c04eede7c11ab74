import { describe, expect, it } from 'vitest';
import { conversationClusters } from '../../src/compare/conversations.js';
import type { ConversationTurn } from '../../src/types.js';
import { goldenCase } from '../helpers/golden-case.js';

const u = (content: string): ConversationTurn => ({ role: 'user', content });
const a = (content: string): ConversationTurn => ({ role: 'assistant', content });
const sys: ConversationTurn = { role: 'system', content: 'Be brief.' };

const conv = (id: string, messages: ConversationTurn[], metadata: Record<string, unknown> = {}) =>
  goldenCase({ id, input: '', messages, metadata });

describe('conversationClusters', () => {
  it('a case continuing another case’s whole conversation joins it, through any number of turns', () => {
    const cases = [
      conv('t1', [sys, u('hi')]),
      conv('t2', [sys, u('hi'), a('hello'), u('refund?')]),
      conv('t3', [sys, u('hi'), a('hello'), u('refund?'), a('sure'), u('thanks')]),
      conv('other', [sys, u('weather?')]),
    ];
    expect(conversationClusters(cases)).toEqual([
      'conversation=t1',
      'conversation=t1',
      'conversation=t1',
      undefined,
    ]);
  });

  it('turns 2 and 3 without turn 1 still chain; key order inside tool arguments does not matter', () => {
    const call = (args: Record<string, unknown>): ConversationTurn => ({
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c1', name: 'f', arguments: args }],
    });
    const tool: ConversationTurn = { role: 'tool', content: 'r', tool_call_id: 'c1' };
    const cases = [
      conv('t2', [u('q'), call({ a: 1, b: 2 }), tool, u('and?')]),
      conv('t3', [u('q'), call({ b: 2, a: 1 }), tool, u('and?'), a('so'), u('ok')]),
    ];
    expect(conversationClusters(cases)).toEqual(['conversation=t2', 'conversation=t2']);
  });

  it('shared few-shot turns or a shared opening do not make a cluster; plain inputs never cluster', () => {
    const shots = [sys, u('example'), a('answer')];
    const cases = [
      conv('f1', [...shots, u('q1')]),
      conv('f2', [...shots, u('q2')]),
      conv('h1', [sys, u('hi'), a('hello'), u('refund?')]),
      conv('h2', [sys, u('hi'), a('hey'), u('weather?')]),
      goldenCase({ id: 'p1', input: 'same' }),
      goldenCase({ id: 'p2', input: 'same' }),
    ];
    expect(conversationClusters(cases)).toEqual(Array(6).fill(undefined));
  });

  it('an explicit conversation_id groups by itself alone; a chat-array input is a conversation too', () => {
    const cases = [
      conv('e1', [u('a')], { conversation_id: 'c-9' }),
      conv('e2', [u('b')], { conversation_id: 'c-9' }),
      conv('e3', [u('a'), a('x'), u('more')]),
      goldenCase({ id: 'i1', input: [{ role: 'user', content: 'q' }] }),
      goldenCase({
        id: 'i2',
        input: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'r' },
          { role: 'user', content: 's' },
        ],
      }),
      conv('n1', [u('z')], { conversation_id: 7 }),
      conv('n2', [u('y')], { conversation_id: 7 }),
    ];
    expect(conversationClusters(cases)).toEqual([
      'metadata.conversation_id=c-9',
      'metadata.conversation_id=c-9',
      // e1 has an explicit id: e3 does not join it through its turns.
      undefined,
      'conversation=i1',
      'conversation=i1',
      'metadata.conversation_id=7',
      'metadata.conversation_id=7',
    ]);
  });
});

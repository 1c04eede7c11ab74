import { describe, expect, it } from 'vitest';
import { parseVerdict, VerdictError } from '../../src/scorers/judge-verdict.js';

describe('parseVerdict', () => {
  it.each([
    [
      'plain JSON',
      '{"score": 0.8, "pass": true, "reason": "mentions 30 days"}',
      { score: 0.8, pass: true, reason: 'mentions 30 days' },
    ],
    [
      'in a json fence',
      '```json\n{"score": 1, "pass": true, "reason": "ok"}\n```',
      { score: 1, pass: true, reason: 'ok' },
    ],
    [
      'after prose',
      'Here is my grade:\n{"score": 0.2, "pass": false, "reason": "wrong"} Hope it helps.',
      { score: 0.2, pass: false, reason: 'wrong' },
    ],
    [
      'a score as a string',
      '{"score": "0.75", "pass": "true", "reason": "r"}',
      { score: 0.75, pass: true, reason: 'r' },
    ],
    [
      'a 0..10 score',
      '{"score": 8, "pass": true, "reason": "good"}',
      { score: 0.8, pass: true, reason: 'good' },
    ],
    [
      'a 0..10 score as a string',
      '{"score": "7", "reason": "fine"}',
      { score: 0.7, reason: 'fine' },
    ],
    ['an n/d score', '{"score": "3/4", "reason": "most"}', { score: 0.75, reason: 'most' }],
    ['a percent score', '{"score": "80%", "pass": "yes"}', { score: 0.8, pass: true, reason: '' }],
    [
      'exactly 1 is 0..1, not 0..10',
      '{"score": 1, "pass": false}',
      { score: 1, pass: false, reason: '' },
    ],
    ['only pass', '{"pass": false, "reason": "no"}', { score: 0, pass: false, reason: 'no' }],
    ['only pass true', '{"pass": true}', { score: 1, pass: true, reason: '' }],
    [
      'capitalised keys',
      '{"Score": 0.5, "Pass": true, "Reason": "meh"}',
      { score: 0.5, pass: true, reason: 'meh' },
    ],
    [
      'braces inside the reason',
      'x {"score": 0.9, "reason": "uses {curly} } braces"} y',
      { score: 0.9, reason: 'uses {curly} } braces' },
    ],
    [
      'an object without a score first',
      '{"note": 1} then {"score": 0.3}',
      { score: 0.3, reason: '' },
    ],
    [
      'unicode reason',
      '{"score": 0.6, "reason": "Ответ частично верен 👍"}',
      { score: 0.6, reason: 'Ответ частично верен 👍' },
    ],
    ['a non-string reason', '{"score": 0.6, "reason": ["a", "b"]}', { score: 0.6, reason: 'a,b' }],
  ])('%s', (_label, text, want) => {
    expect(parseVerdict(text)).toEqual(want);
  });

  it.each([
    ['prose only', 'The answer is good.', /did not answer with a JSON object/],
    ['an empty reply', '', /did not answer with a JSON object/],
    ['a JSON array', '[0.8, true]', /did not answer with a JSON object/],
    ['no score and no pass', '{"grade": "A"}', /has neither "score" nor "pass"/],
    ['a score of 37', '{"score": 37, "pass": true}', /outside 0\.\.1 \(or 0\.\.10\)/],
    ['a negative score', '{"score": -0.1}', /outside 0\.\.1/],
    ['a word for a score', '{"score": "high", "pass": true}', /score "high" is not a number/],
    // Past their own scale: out of range, not read again as 0..10 (they scored 0.12 and 0.15).
    ['a fraction past its scale', '{"score": "12/10"}', /score 1\.2 is outside 0\.\.1/],
    ['a percent past 100', '{"score": "150%"}', /score 1\.5 is outside 0\.\.1/],
    ['a score JSON cannot hold', '{"score": 1e309}', /score Infinity is not a number/],
    [
      'a pass that is not yes/no',
      '{"score": 0.5, "pass": "maybe"}',
      /pass "maybe" is not true or false/,
    ],
    ['a truncated object', '{"score": 0.8, "reason": "cut', /did not answer with a JSON object/],
  ])('refuses %s', (_label, text, message) => {
    expect(() => parseVerdict(text)).toThrow(VerdictError);
    expect(() => parseVerdict(text)).toThrow(message);
  });
});

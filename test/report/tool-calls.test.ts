import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { regressionAnnotations } from '../../src/report/annotations.js';
import { renderConsole } from '../../src/report/console.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { toolCallContrast } from '../../src/report/tool-calls.js';
import type { CaseReport, Report, ToolCall } from '../../src/types.js';
import { toolCallText } from '../../src/util/tool-call-text.js';
import { decodeEntities, makeReport, side } from './fixture.js';
import { expectInert } from './inert.js';
import { parseXml, suite } from './xml.js';

const refund = (amount: number): ToolCall => ({ name: 'refund', arguments: { amount } });

/** A name and arguments written to break every surface they are shown on. */
const HOSTILE_CALL: ToolCall = {
  name: 'x</details><script>alert(1)</script>|`rm`\n@octocat',
  arguments: {
    'k|`</summary>':
      '```\n</pre><img src=x onerror=alert(1)> #123 @org/team \u001b[31mred\u001b[0m',
    n: 1,
  },
};

function toolReport(candidateCalls: ToolCall[]): Report {
  const cases: CaseReport[] = [
    {
      id: 'refund-9',
      slices: ['tags=billing'],
      source: 'golden/tools.jsonl:9',
      expected_tool_calls: [refund(25)],
      baseline: side({ output: '', tool_calls: [refund(25)], scores: { tool_call: 1 } }),
      candidate: side({
        output: '',
        tool_calls: candidateCalls,
        score: 0,
        pass: false,
        scores: { tool_call: 0 },
        steps: [
          {
            output: null,
            tool_calls: candidateCalls,
            latency_ms: 1,
            input_tokens: 1,
            output_tokens: 1,
          },
          {
            output: 'done',
            tool_calls: [],
            latency_ms: 1,
            input_tokens: 1,
            output_tokens: 1,
            stop: 'answered',
          },
        ],
      }),
    },
  ];
  return makeReport({ cases });
}

describe('tool calls in reports', () => {
  it('reads as name(arg=value) for each side of a regressed case', () => {
    const report = toolReport([refund(20)]);
    expect(toolCallContrast(report.cases[0]!)).toBe(
      'baseline called refund(amount=25); candidate called refund(amount=20) (2 steps; stopped: answered)',
    );
    const md = renderMarkdown(report);
    const decoded = decodeEntities(md);
    expect(decoded).toContain(
      '**Tool calls**\n\n- expected refund(amount=25)\n- baseline called refund(amount=25)\n- candidate called refund(amount=20) (2 steps; stopped: answered)',
    );
    expectInert(md);

    const out = renderConsole(report);
    expect(out).toContain(
      'golden/tools.jsonl:9 · baseline called refund(amount=25); candidate called refund(amount=20) (2 steps; stopped: answered)',
    );

    const [note] = regressionAnnotations(report, {
      max: 5,
      root: path.resolve('/repo'),
      cwd: path.resolve('/repo'),
    });
    expect(note!.message).toBe(
      'case refund-9: 1.00 → 0.00 (-1.00), now failing. Tool calls: baseline called refund(amount=25); candidate called refund(amount=20) (2 steps; stopped: answered).',
    );

    const tc = suite(parseXml(renderJunit(report)), 'evalgate cases').children.find(
      (t) => t.attrs.name === 'refund-9',
    )!;
    const body = tc.children[0]!.text;
    expect(body).toContain('expected tool calls: refund(amount=25)');
    expect(body).toContain('candidate called refund(amount=20) (2 steps; stopped: answered)');
  });

  it('says so when the candidate called nothing', () => {
    const report = toolReport([]);
    expect(toolCallContrast(report.cases[0]!)).toBe(
      'baseline called refund(amount=25); candidate made no tool call (2 steps; stopped: answered)',
    );
  });

  it('keeps a hostile tool name and arguments inert everywhere', () => {
    const report = toolReport([HOSTILE_CALL]);
    const md = renderMarkdown(report);
    expectInert(md);
    expect(md).not.toContain('<script>');
    expect(decodeEntities(md).replaceAll('\u200b', '')).toContain(
      'candidate called x</details><script>alert(1)</script>|`rm` @octocat(',
    );

    const out = renderConsole(report);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    const line = out.split('\n').find((l) => l.includes('refund-9'))!;
    expect(line).toContain('candidate called x</details><script>alert(1)</script>|`rm` @octocat(');

    const [note] = regressionAnnotations(report, {
      max: 5,
      root: path.resolve('/repo'),
      cwd: path.resolve('/repo'),
    });
    expect(note!.message).not.toMatch(/[\n\r\u0000-\u001f\u007f-\u009f]/);
    expect(note!.message).not.toMatch(/@[\w-]/);

    // Well-formed XML, and the text reads back as written (controls removed).
    const xml = renderJunit(report);
    const tc = suite(parseXml(xml), 'evalgate cases').children.find(
      (t) => t.attrs.name === 'refund-9',
    )!;
    expect(tc.children[0]!.text).toContain('candidate called x</details><script>');
    expect(xml).not.toContain('<script>');
  });

  it('shortens long calls and long lists', () => {
    const long: ToolCall = { name: 'search', arguments: { q: 'w '.repeat(500), page: 2 } };
    const text = toolCallText(long);
    expect(text.length).toBeLessThanOrEqual(120);
    expect(text).toMatch(/^search\(q="w w .*…, page=2\)$/);
    const report = toolReport(Array.from({ length: 9 }, (_, i) => refund(i)));
    expect(toolCallContrast(report.cases[0]!)).toContain(
      'candidate called refund(amount=0), refund(amount=1), refund(amount=2), refund(amount=3), refund(amount=4) and 4 more',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { CLIENT_JS } from '../../src/html/client-source.js';
import { formatMs } from '../../src/report/table.js';

// The page's script is one closure run in the browser; its formatting functions are pure, so
// they are lifted out of the source by name and run here, beside the text renderers' own.

/** The source of `function name(…) {…}` in the client script, its braces matched. */
function functionSource(name: string): string {
  const start = CLIENT_JS.search(new RegExp(`^function ${name}\\(`, 'm'));
  if (start < 0) throw new Error(`no function ${name} in the client script`);
  let depth = 0;
  for (let i = CLIENT_JS.indexOf('{', start); i < CLIENT_JS.length; i++) {
    if (CLIENT_JS[i] === '{') depth++;
    else if (CLIENT_JS[i] === '}' && --depth === 0) return CLIENT_JS.slice(start, i + 1);
  }
  throw new Error(`function ${name} never closes`);
}

/** The client's `ms`, with the helpers it calls. */
const clientMs = new Function(
  `${['fin', 'millis', 'ms'].map(functionSource).join('\n')}\nreturn ms;`,
)() as (x: unknown) => string;

describe("the HTML report's ms()", () => {
  it.each([
    [0.02, '0.02 ms'],
    [0.005, '0.005 ms'],
    [0.8, '0.8 ms'],
    [8.26, '8.3 ms'],
    [1234, '1234 ms'],
  ])('writes %d as %s', (ms, text) => {
    expect(clientMs(ms)).toBe(text);
  });

  it('writes every figure as the terminal and Markdown renderers do', () => {
    const figures = [0, 1e-7, 0.0213, 0.0999, 0.96, 0.999, 1, 9.95, 9.96, 10, 812, 1210.4];
    for (let e = -9; e <= 5; e++) for (const m of [1, 1.25, 4.99, 9.4]) figures.push(m * 10 ** e);
    for (const ms of figures) expect(clientMs(ms), String(ms)).toBe(formatMs(ms));
  });

  it('has no figure for a missing value', () => {
    expect(clientMs(undefined)).toBe('–');
    expect(clientMs(null)).toBe('–');
    expect(clientMs(Number.POSITIVE_INFINITY)).toBe('–');
  });
});

import { expect } from 'vitest';
import { decodeEntities } from './fixture.js';

// What "inert" means for Markdown that GitHub renders (job summary, PR comment, --summary file),
// shared by the renderer's unit tests and the end-to-end tests that read real comment bodies.

const ALLOWED_TAGS = /<\/?(details|summary|code|pre|sub)>/g;

/** Checks that nothing in the body can change its layout, run markup or ping anyone. */
export function expectInert(md: string): void {
  expect(md).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  expect(md).not.toContain('```');
  expect(md).not.toContain('~~~');
  expect(md.replace(ALLOWED_TAGS, '')).not.toContain('<');
  const count = (re: RegExp) => (md.match(re) ?? []).length;
  expect(count(/<details>/g)).toBe(count(/<\/details>/g));
  expect(count(/<pre>/g)).toBe(count(/<\/pre>/g));
  expect(count(/<summary>/g)).toBe(count(/<\/summary>/g));
  // Every <pre> opens at the start of a line, so Markdown treats it as an HTML block.
  expect(count(/<pre>/g)).toBe(count(/^<pre>/gm));
  const decoded = decodeEntities(md);
  expect(decoded).not.toMatch(/@[\w-]/);
  const outsidePre = decodeEntities(md.replace(/<pre>[\s\S]*?<\/pre>/g, ''));
  expect(outsidePre).not.toMatch(/#\d/);
  // Each table keeps one column count on every row: no stray pipe from content.
  let previous: number | null = null;
  for (const line of md.split('\n')) {
    if (!line.startsWith('|')) {
      previous = null;
      continue;
    }
    const pipes = (line.match(/\|/g) ?? []).length;
    if (previous !== null) expect(pipes, line).toBe(previous);
    previous = pipes;
  }
}

/** The checks table: the lines from its header row to the first line after it. */
export function checksTable(md: string): string[] {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith('| Metric |'));
  expect(start).toBeGreaterThan(-1);
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('|'));
  return lines.slice(start, end === -1 ? undefined : end);
}

import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../src/html/page.js';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import {
  baseConfig,
  CLI,
  goldenJsonl,
  runNode,
  runWithOutputs,
  workspace,
} from '../helpers/workspace.js';
import { makeReport } from '../report/fixture.js';

// `evalgate view` and `run --html` through the real CLI bundle.

let llm: FakeServer;
beforeAll(async () => {
  llm = await startFakeOpenAI((req) => `a${userText(req).replace(/^q/, '')}`);
});
afterAll(() => llm.close());

const report = JSON.stringify(makeReport());

describe('evalgate view', () => {
  it('writes the page next to the report by default and says where', async () => {
    const dir = workspace({ 'r.json': report });
    const r = await runNode(CLI, ['view', 'r.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('html: r.html\n');
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    expect(html).toContain(`content="${contentSecurityPolicy()}"`);
  });

  it('a report that does not match the format is exit 2 naming the file and the field', async () => {
    const bad = makeReport();
    (bad.cases[2]!.candidate as { score: unknown }).score = 'high';
    const dir = workspace({ 'bad.json': JSON.stringify(bad), 'nojson.json': '{"a":' });
    const r = await runNode(CLI, ['view', 'bad.json', '--html', 'out.html'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad.json (cases.2.candidate.score)');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(path.join(dir, 'out.html'))).toBe(false);
    const j = await runNode(CLI, ['view', 'nojson.json'], { cwd: dir });
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/nojson\.json:1: not valid JSON/);
    const missing = await runNode(CLI, ['view', 'gone.json'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('gone.json: report not found');
    const none = await runNode(CLI, ['view'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('missing REPORT.json');
  });

  it('refuses to write the page over the report it reads', async () => {
    const dir = workspace({ 'r.json': report });
    const r = await runNode(CLI, ['view', 'r.json', '--html', './r.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(readFileSync(path.join(dir, 'r.json'), 'utf8')).toBe(report);
  });

  it('--open hands the page to the platform opener, and without one still succeeds', async () => {
    const dir = workspace({ 'r.json': report });
    mkdirSync(path.join(dir, 'bin'));
    mkdirSync(path.join(dir, 'empty'));
    const opener = path.join(dir, 'bin/xdg-open');
    writeFileSync(opener, `#!/bin/sh\necho "$@" > "${path.join(dir, 'opened.txt')}"\n`);
    chmodSync(opener, 0o755);
    const r = await runNode(CLI, ['view', 'r.json', '--open'], {
      cwd: dir,
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` },
    });
    expect(r.code, r.stderr).toBe(0);
    // The opener runs detached; it has been started when the command returns.
    await expect
      .poll(() => existsSync(path.join(dir, 'opened.txt')), { timeout: 10_000 })
      .toBe(true);
    expect(readFileSync(path.join(dir, 'opened.txt'), 'utf8').trim()).toBe('r.html');

    const none = await runNode(CLI, ['view', 'r.json', '--open'], {
      cwd: dir,
      env: { PATH: path.join(dir, 'empty') },
    });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/could not open it \(xdg-open was not found\); open r\.html/);
  });
});

describe('evalgate run --html', () => {
  it('writes the page beside the other outputs, and names it', async () => {
    const dir = workspace({
      'golden.jsonl': goldenJsonl(30),
      'evalgate.yml': baseConfig(llm.url),
    });
    const r = await runWithOutputs(dir, { TEST_KEY: 'k' }, ['--html', 'pages/report.html']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('html: pages/report.html');
    const html = readFileSync(path.join(dir, 'pages/report.html'), 'utf8');
    expect(html).toContain('"id":"case-29"');
  });

  it('an --html path that cannot be written is bad input before anything is sent', async () => {
    const dir = workspace({ 'golden.jsonl': goldenJsonl(30), 'evalgate.yml': baseConfig(llm.url) });
    const before = llm.requests.length;
    const r = await runWithOutputs(dir, { TEST_KEY: 'k' }, ['--html', 'golden.jsonl/x.html']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--html');
    expect(llm.requests.length).toBe(before);
  });
});

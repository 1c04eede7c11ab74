import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallResult } from '../../src/types.js';

// Two runs sharing one cache folder: the other run makes an entry's subfolder between this one
// seeing it missing and making it. Simulated here by a mkdirSync that lets the other run win.
const race = vi.hoisted(() => ({ on: false }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const mkdirSync = ((p: string, o?: unknown) => {
    if (race.on && o === undefined) {
      fs.mkdirSync(p); // the other run
      throw Object.assign(new Error(`EEXIST: file already exists, mkdir '${p}'`), {
        code: 'EEXIST',
      });
    }
    return fs.mkdirSync(p, o as never);
  }) as typeof fs.mkdirSync;
  return { ...fs, default: { ...fs, mkdirSync }, mkdirSync };
});

const { ResponseCache } = await import('../../src/runner/cache.js');

const dirs: string[] = [];
afterEach(() => {
  race.on = false;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('ResponseCache shared by two runs', () => {
  it('a subfolder the other run made first is used, and the cache stays on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-race-'));
    dirs.push(dir);
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const answer: CallResult = {
      output: 'hello',
      latency_ms: 5,
      input_tokens: 1,
      output_tokens: 1,
      cost_usd: 0,
      error: null,
      attempts: 1,
    };
    cache.put('ab'.repeat(32), answer); // makes the cache folder itself
    await cache.flush();
    race.on = true;
    cache.put('cd'.repeat(32), answer);
    await cache.flush();
    race.on = false;
    expect(warnings).toEqual([]);
    expect(cache.get('cd'.repeat(32))?.output).toBe('hello');
    expect(cache.get('ab'.repeat(32))?.output).toBe('hello');
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CacheableRequest, ResponseCache } from '../../src/runner/cache.js';
import type { CallResult } from '../../src/types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'evalgate-cache-test-'));
  dirs.push(d);
  return d;
}

const KEY = 'sk-live-0123456789abcdef';
function request(o: Partial<CacheableRequest> = {}): CacheableRequest {
  return {
    url: new URL('https://api.example.com/v1/chat/completions'),
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: '{"model":"m","messages":[{"role":"user","content":"hi"}]}',
    ...o,
  };
}
const ok: CallResult = {
  output: 'hello',
  latency_ms: 812.4,
  input_tokens: 12,
  output_tokens: 3,
  cost_usd: 0.01,
  error: null,
  attempts: 2,
};

/** Every file under `dir`, with its text. */
function files(dir: string): { name: string; text: string }[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return { name: path.relative(dir, full), text: readFileSync(full, 'utf8') };
    });
}

describe('ResponseCache keys', () => {
  const cache = new ResponseCache('/nowhere', [KEY]);

  it('are the same for the same request and differ when anything that shapes the answer does', () => {
    const base = cache.key(request(), 0);
    expect(cache.key(request(), 0)).toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(cache.key(request({ body: '{"model":"m2"}' }), 0)).not.toBe(base);
    expect(cache.key(request({ method: 'PUT' }), 0)).not.toBe(base);
    expect(cache.key(request({ url: new URL('https://api.example.com/v2/chat') }), 0)).not.toBe(
      base,
    );
    expect(
      cache.key(request({ headers: { ...request().headers, 'x-model-variant': 'b' } }), 0),
    ).not.toBe(base);
    expect(cache.key(request(), 1)).not.toBe(base); // each repeat is its own answer
    expect(cache.key(request(), 0, 'output=result.text')).not.toBe(base);
  });

  it('leave credentials out, wherever they are, so a rotated key keeps the cache', () => {
    const other = new ResponseCache('/nowhere', ['sk-other-key-999']);
    const base = cache.key(request(), 0);
    // Header names that carry keys are ignored entirely.
    expect(
      other.key(
        request({
          headers: {
            'content-type': 'application/json',
            authorization: 'Bearer sk-other-key-999',
          },
        }),
        0,
      ),
    ).toBe(base);
    for (const name of ['x-api-key', 'api-key', 'X-Auth-Token', 'cookie']) {
      expect(cache.key(request({ headers: { ...request().headers, [name]: 'whatever' } }), 0)).toBe(
        base,
      );
    }
    // Query parameters named like credentials too.
    const url = (q: string) => new URL(`https://api.example.com/v1/chat/completions${q}`);
    expect(cache.key(request({ url: url('?key=abc&api-version=1') }), 0)).toBe(
      cache.key(request({ url: url('?api-version=1') }), 0),
    );
    // A known key inside a URL or body counts as its placeholder, not its value.
    expect(cache.key(request({ body: `{"token":"${KEY}"}` }), 0)).toBe(
      other.key(request({ body: '{"token":"sk-other-key-999"}' }), 0),
    );
  });
});

describe('ResponseCache storage', () => {
  it('returns what was stored for the same key, and nothing for another', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir, [KEY]);
    const key = cache.key(request(), 0);
    expect(cache.get(key)).toBeUndefined();
    cache.put(key, { ...ok, ttft_ms: 40 });
    await cache.flush();
    const again = new ResponseCache(dir, [KEY]);
    expect(again.get(key)).toEqual({
      output: 'hello',
      input_tokens: 12,
      output_tokens: 3,
      latency_ms: 812.4,
      ttft_ms: 40,
    });
    expect(again.get(cache.key(request(), 1))).toBeUndefined();
  });

  it('stores only successful answers', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir);
    cache.put('a'.repeat(64), {
      ...ok,
      output: null,
      error: { kind: 'http_5xx', message: 'target candidate answered 503' },
    });
    await cache.flush();
    expect(files(dir)).toEqual([]);
  });

  it('never writes a key to disk: not in a file, not in a file name', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir, [KEY]);
    const key = cache.key(request({ url: new URL(`https://h.example/x?api_key=${KEY}`) }), 0);
    cache.put(key, ok);
    await cache.flush();
    const written = files(dir);
    expect(written).toHaveLength(1);
    for (const f of written) {
      expect(f.name).not.toContain(KEY);
      expect(f.text).not.toContain(KEY);
      expect(f.text).not.toContain('authorization');
    }
  });

  it('treats a torn or foreign file as a miss', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir);
    const key = cache.key(request(), 0);
    cache.put(key, ok);
    await cache.flush();
    const [f] = files(dir);
    writeFileSync(path.join(dir, f!.name), '{"output": "hel');
    expect(cache.get(key)).toBeUndefined();
    writeFileSync(path.join(dir, f!.name), JSON.stringify({ output: 'x' }));
    expect(cache.get(key)).toBeUndefined();
  });

  it('warns once and carries on when the folder cannot be written', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'file');
    writeFileSync(blocker, '');
    const warnings: string[] = [];
    const cache = new ResponseCache(path.join(blocker, 'cache'), [], (m) => warnings.push(m));
    cache.put('a'.repeat(64), ok);
    cache.put('b'.repeat(64), ok);
    await cache.flush();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/response cache .* is not usable/);
  });
});

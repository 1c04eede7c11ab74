import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type CacheableRequest, ResponseCache } from '../../src/runner/cache.js';
import type { CallResult } from '../../src/types.js';
import { createRedactor } from '../../src/util/redact.js';

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

  it('keep every parameter and header whose name only contains a credential word', () => {
    // `keyword`, `max_tokens`, `author`: their values decide the answer. Left out by a part of
    // their names, different questions shared one cached answer.
    const url = (q: string) => new URL(`https://app.example.com/ask${q}`);
    const keyOf = (q: string) => cache.key(request({ method: 'GET', body: '', url: url(q) }), 0);
    for (const [name, a, b] of [
      ['keyword', 'question 0', 'question 1'],
      ['max_tokens', '100', '500'],
      ['author', 'ann', 'bob'],
      ['design', 'a', 'b'],
    ]) {
      expect(keyOf(`?${name}=${encodeURIComponent(a!)}`), name).not.toBe(
        keyOf(`?${name}=${encodeURIComponent(b!)}`),
      );
    }
    const withHeader = (v: string) =>
      cache.key(request({ headers: { ...request().headers, 'x-max-tokens': v } }), 0);
    expect(withHeader('100')).not.toBe(withHeader('500'));
    // The credential names themselves, in any case, still stay out.
    expect(keyOf('?Token=abc&q=1')).toBe(keyOf('?q=1'));
    expect(keyOf('?api_key=abc&q=1')).toBe(keyOf('?q=1'));
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

describe("ResponseCache: one entry in trouble is that entry's", () => {
  it('an entry that cannot be written is not cached, and the rest of the cache still works', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const keys = ['a', 'b', 'c'].map((x) => cache.key(request({ body: `{"q":"${x}"}` }), 0));
    // A folder where the first entry goes: its write fails.
    mkdirSync(entryPath(dir, keys[0]!), { recursive: true });
    for (const k of keys) cache.put(k, ok);
    await cache.flush();
    expect(warnings).toEqual([
      expect.stringMatching(
        /^a response cache entry could not be written \(.+\); its answer is used/,
      ),
    ]);
    expect(cache.get(keys[1]!)?.output).toBe('hello');
    expect(cache.get(keys[2]!)?.output).toBe('hello');
    cache.put(cache.key(request({ body: '{"q":"d"}' }), 0), ok);
    await cache.flush();
    expect(cache.get(cache.key(request({ body: '{"q":"d"}' }), 0))?.output).toBe('hello');
  });
});

/** An entry file as the cache writes it, for the key of `request()`. */
function entryPath(dir: string, key: string): string {
  return path.join(dir, key.slice(0, 2), `${key}.json`);
}
const valid = {
  format: 'evalgate-cache-v1',
  output: 'hello',
  input_tokens: 12,
  output_tokens: 3,
  latency_ms: 812.4,
};

describe('ResponseCache: entries are validated, never trusted', () => {
  const forged: [string, Record<string, unknown>][] = [
    ['a negative cost', { ...valid, cost_usd: -5 }],
    ['a latency of 1e308', { ...valid, latency_ms: 1e308 }],
    ['a negative latency', { ...valid, latency_ms: -1 }],
    ['a ttft of 1e308', { ...valid, ttft_ms: 1e308 }],
    ['negative tokens', { ...valid, input_tokens: -12 }],
    ['1e308 tokens', { ...valid, output_tokens: 1e308 }],
    ['fractional tokens', { ...valid, output_tokens: 2.5 }],
    ['tokens as a string', { ...valid, input_tokens: '12' }],
    ['an output that is not a string', { ...valid, output: { text: 'hello' } }],
    ['no output', { ...valid, output: undefined }],
    ['a latency as a string', { ...valid, latency_ms: '812' }],
    ['another format', { ...valid, format: 'evalgate-cache-v0' }],
    ['an array', [valid] as unknown as Record<string, unknown>],
  ];

  it.each(forged)('ignores an entry with %s, with a warning', (_what, entry) => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const key = cache.key(request(), 0);
    mkdirSync(path.dirname(entryPath(dir, key)), { recursive: true });
    writeFileSync(entryPath(dir, key), JSON.stringify(entry));
    expect(cache.get(key)).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^response cache entry .*\.json is ignored \(.+\); its call is made again$/,
    );
  });

  it('reads a valid entry back, and counts the invalid ones in one closing warning', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const keys = [0, 1, 2, 3].map((r) => cache.key(request(), r));
    keys.forEach((key, i) => {
      mkdirSync(path.dirname(entryPath(dir, key)), { recursive: true });
      writeFileSync(
        entryPath(dir, key),
        JSON.stringify(i === 0 ? valid : { ...valid, latency_ms: -i }),
      );
    });
    expect(cache.get(keys[0]!)).toEqual({
      output: 'hello',
      input_tokens: 12,
      output_tokens: 3,
      latency_ms: 812.4,
    });
    for (const key of keys.slice(1)) expect(cache.get(key)).toBeUndefined();
    await cache.flush();
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/^3 response cache entries in .* were invalid and ignored/);
  });

  it('does not write what it would refuse to read back', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir);
    cache.put('a'.repeat(64), { ...ok, latency_ms: 1e308 });
    cache.put('b'.repeat(64), { ...ok, output_tokens: 2.5 });
    await cache.flush();
    expect(files(dir)).toEqual([]);
  });
});

describe('ResponseCache: no secret is ever stored', () => {
  const FUNC_KEY = 'fk_9f8e7d6c5b4a3210zyxw';
  const redact = createRedactor([KEY, FUNC_KEY]);
  const b64 = Buffer.from(`user:${KEY}`).toString('base64');

  it.each([
    ['the key', `your key is ${KEY}`],
    ['a value from the environment', `called ?code=${FUNC_KEY}`],
    ['the key in base64', `Authorization: Basic ${b64}`],
    ['the key percent-encoded', `?k=${encodeURIComponent(`${KEY}/x`)}`],
  ])('refuses to cache an answer quoting %s', async (_what, output) => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [KEY], (m) => warnings.push(m), redact);
    cache.put(cache.key(request(), 0), { ...ok, output });
    cache.put(cache.key(request(), 1), { ...ok, output });
    await cache.flush();
    expect(files(dir)).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/quoted a secret .* so it was not cached/)]);
  });

  it('caches answers that quote nothing secret', async () => {
    const dir = tempDir();
    const cache = new ResponseCache(dir, [KEY], () => {}, redact);
    cache.put(cache.key(request(), 0), { ...ok, output: 'sk-live is how keys start' });
    await cache.flush();
    expect(files(dir)).toHaveLength(1);
  });
});

describe('ResponseCache: links', () => {
  it('does not read an entry through a symbolic link, even to a valid entry', async () => {
    const dir = tempDir();
    const outside = tempDir();
    writeFileSync(
      path.join(outside, 'planted.json'),
      JSON.stringify({ ...valid, output: 'forged' }),
    );
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const key = cache.key(request(), 0);
    mkdirSync(path.dirname(entryPath(dir, key)));
    symlinkSync(path.join(outside, 'planted.json'), entryPath(dir, key));
    expect(cache.get(key)).toBeUndefined();
    expect(warnings[0]).toMatch(/is ignored \(.*is a symbolic link/);
    // The answer that replaces it is written beside the link's target, never through it.
    cache.put(key, ok);
    await cache.flush();
    expect(lstatSync(entryPath(dir, key)).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path.join(outside, 'planted.json'), 'utf8')).output).toBe(
      'forged',
    );
    expect(cache.get(key)?.output).toBe('hello');
  });

  it('does not write through links planted at temp names (the old predictable ones included)', async () => {
    const dir = tempDir();
    const outside = tempDir();
    const cache = new ResponseCache(dir);
    const key = cache.key(request(), 0);
    const file = entryPath(dir, key);
    mkdirSync(path.dirname(file));
    const victims: string[] = [];
    for (let n = 0; n < 20; n++) {
      const victim = path.join(outside, `victim-${n}`);
      writeFileSync(victim, 'untouched');
      victims.push(victim);
      symlinkSync(victim, `${file}.${process.pid}-${n}.tmp`);
      symlinkSync(
        victim,
        path.join(path.dirname(file), `.${key}.json.${n.toString(16).padStart(16, '0')}.tmp`),
      );
    }
    for (let r = 0; r < 5; r++) cache.put(cache.key(request(), r), ok);
    await cache.flush();
    for (const v of victims) expect(readFileSync(v, 'utf8')).toBe('untouched');
    expect(lstatSync(file).isFile()).toBe(true);
    // The planted links are all that is left: none of our temp files stayed behind.
    const left = readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'));
    expect(left).toHaveLength(40);
  });

  it('a linked subfolder is neither read nor written through', async () => {
    const dir = tempDir();
    const outside = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const key = cache.key(request(), 0);
    writeFileSync(path.join(outside, `${key}.json`), JSON.stringify(valid));
    symlinkSync(outside, path.join(dir, key.slice(0, 2)));
    expect(cache.get(key)).toBeUndefined();
    cache.put(key, { ...ok, output: 'new' });
    await cache.flush();
    expect(readdirSync(outside)).toEqual([`${key}.json`]);
    expect(JSON.parse(readFileSync(path.join(outside, `${key}.json`), 'utf8')).output).toBe(
      'hello',
    );
    expect(warnings[0]).toMatch(/is ignored \(it is a symbolic link, not a folder\)/);
  });

  it('a cache folder that is a link turns the cache off, with one warning', async () => {
    const real = tempDir();
    const parent = tempDir();
    const dir = path.join(parent, '.cache');
    symlinkSync(real, dir);
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const key = cache.key(request(), 0);
    mkdirSync(path.join(real, key.slice(0, 2)));
    writeFileSync(entryPath(real, key), JSON.stringify(valid));
    expect(cache.get(key)).toBeUndefined();
    cache.put(cache.key(request(), 1), ok);
    await cache.flush();
    expect(files(real)).toHaveLength(1);
    expect(warnings).toEqual([
      expect.stringMatching(
        /response cache in .* is not usable \(it is a symbolic link, not a folder\)/,
      ),
    ]);
  });

  it('refuses an entry larger than FILE_LIMITS.cacheEntry, and a FIFO, without blocking', () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const cache = new ResponseCache(dir, [], (m) => warnings.push(m));
    const key = cache.key(request(), 0);
    mkdirSync(path.dirname(entryPath(dir, key)));
    writeFileSync(entryPath(dir, key), Buffer.alloc(64 * 1024 * 1024 + 1, 32));
    expect(cache.get(key)).toBeUndefined();
    expect(warnings[0]).toMatch(/is ignored \(.*more than the 64 MiB/);
    const fifoKey = cache.key(request(), 1);
    mkdirSync(path.dirname(entryPath(dir, fifoKey)), { recursive: true });
    execFileSync('mkfifo', [entryPath(dir, fifoKey)]);
    expect(cache.get(fifoKey)).toBeUndefined();
    expect(cache.get(key)).toBeUndefined();
  });
});

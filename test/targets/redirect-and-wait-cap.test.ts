import { describe, expect, it } from 'vitest';
import { kindForStatus } from '../../src/targets/retry.js';
import { callTarget, MAX_RETRY_WAIT_MS } from '../../src/targets/target.js';
import { createRedactor } from '../../src/util/redact.js';
import { goldenCase } from '../helpers/golden-case.js';
import { afterThisTest, scriptedServerForTest } from '../helpers/per-test.js';
import { type TestTargetOptions, testTarget } from '../helpers/test-target.js';

// callTarget against a loopback server: replies it must not act on as asked (a redirect, a
// Retry-After longer than the job should hang) fail the case at once, saying what to do.

const SECRET = 'sk-live-0123456789abcdef';

async function answering(
  status: number,
  headers: Record<string, string>,
  o: TestTargetOptions = {},
) {
  const server = await scriptedServerForTest([
    (res) => {
      res.writeHead(status, { 'content-type': 'text/html', ...headers });
      res.end('<html><body>moved</body></html>');
    },
  ]);
  const target = testTarget(`${server.url}/v1`, { retries: 4, apiKey: SECRET, ...o });
  target.redact = createRedactor([SECRET]);
  afterThisTest(() => target.transport.close());
  return { server, target };
}

describe('a redirect', () => {
  for (const status of [301, 302, 307, 308]) {
    it(`${status}: not followed, not retried, and the message says where it pointed and what to do`, async () => {
      // It points at a server of its own: a followed redirect would show there, key and all.
      const elsewhere = await scriptedServerForTest([
        (res) => {
          res.end('{}');
        },
      ]);
      const to = `${elsewhere.url}/v1/chat/completions?key=${SECRET}`;
      const { server, target } = await answering(status, { location: to });
      const r = await callTarget(target, goldenCase());
      expect(r).toMatchObject({ output: null, attempts: 1, error: { kind: 'http_4xx' } });
      expect(server.requests).toHaveLength(1);
      expect(elsewhere.requests).toHaveLength(0);
      expect(r.error!.message).toBe(
        `target candidate answered ${status}, a redirect to ${elsewhere.url}/v1/chat/completions?key=***: ` +
          "set base_url (an http target's url) to where it points; evalgate does not follow " +
          'redirects so that a key is never sent elsewhere',
      );
    });
  }

  it('a long Location is cut to 200 characters, masked before the cut', async () => {
    // The key straddles the 200th character: cut first, its head would show.
    const location = `https://elsewhere.example/${'a'.repeat(165)}${SECRET}${'b'.repeat(500)}`;
    const { target } = await answering(307, { location });
    const r = await callTarget(target, goldenCase());
    const to = /a redirect to (\S+): set base_url/.exec(r.error!.message)?.[1];
    expect(to).toBeDefined();
    expect(to!.length).toBeLessThanOrEqual(200);
    expect(to!.endsWith('…')).toBe(true);
    expect(r.error!.message).not.toContain('sk-live');
  });

  it('without a Location header says so', async () => {
    const { target } = await answering(302, {});
    const r = await callTarget(target, goldenCase());
    expect(r.error!.message).toMatch(
      /^target candidate answered 302, a redirect with no Location header: set base_url/,
    );
  });

  it('counts as http_4xx (the report has no kind of its own for it)', () => {
    for (const status of [300, 301, 302, 303, 307, 308])
      expect(kindForStatus(status)).toBe('http_4xx');
  });
});

describe(`a Retry-After past the ${MAX_RETRY_WAIT_MS / 1000} s cap`, () => {
  it('fails the case at once: no wait, no retry, and the message says why', async () => {
    // Retries left, and a wait the job would otherwise sit out (or, capped, wait 120 s for).
    const { server, target } = await answering(429, { 'retry-after': '1000000' }, { retries: 4 });
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(1);
    expect(r).toMatchObject({ output: null, attempts: 1, error: { kind: 'rate_limit' } });
    expect(r.error!.message).toMatch(
      /^target candidate answered 429: moved; the server asked to wait 1000000 s before retrying, past evalgate's 120 s cap, so the case was given up$/,
    );
  });

  it('as an HTTP date too, and on a 503 as on a 429', async () => {
    const later = new Date(Date.now() + 3_600_000).toUTCString();
    const { server, target } = await answering(503, { 'retry-after': later }, { retries: 2 });
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(1);
    expect(r).toMatchObject({ attempts: 1, error: { kind: 'http_5xx' } });
    expect(r.error!.message).toMatch(/the server asked to wait 3[56]\d\d s before retrying/);
  });

  it('within the cap is waited for and retried', async () => {
    const { server, target } = await answering(429, { 'retry-after': '0' }, { retries: 2 });
    const r = await callTarget(target, goldenCase());
    expect(server.requests).toHaveLength(3);
    expect(r).toMatchObject({ attempts: 3, error: { kind: 'rate_limit' } });
    expect(r.error!.message).not.toContain('asked to wait');
  });
});

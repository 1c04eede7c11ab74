import { afterEach, describe, expect, it } from 'vitest';
import { endpointLabel, targetLabel } from '../../src/targets/label.js';
import { callTarget, type Target } from '../../src/targets/target.js';
import { createRedactor } from '../../src/util/redact.js';
import { goldenCase } from '../helpers/golden-case.js';
import { type Loopback, sendJson, startLoopback } from '../helpers/loopback.js';
import { testTarget } from '../helpers/test-target.js';

const KEY = 'sk-proj-0123456789abcdef';
const open: { server: Loopback; target: Target }[] = [];

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.target.transport.close();
    await o.server.close();
  }
});

/** A real endpoint that quotes the Authorization header it got, as OpenAI does for a bad key. */
async function echoing(status: number) {
  const server = await startLoopback((req, res) =>
    sendJson(
      res,
      { error: { message: `Incorrect API key provided: ${req.headers.authorization}` } },
      status,
    ),
  );
  const target = testTarget(`${server.url}/v1`, { apiKey: KEY, retries: 0 });
  open.push({ server, target });
  return target;
}

describe('callTarget: error text from the endpoint', () => {
  it('masks the key an error body quotes', async () => {
    const target = await echoing(400);
    target.redact = createRedactor([KEY]);
    const r = await callTarget(target, goldenCase());
    expect(r.error?.kind).toBe('http_4xx');
    expect(r.error?.message).toContain('Incorrect API key provided: Bearer ***');
    expect(r.error?.message).not.toContain(KEY);
  });

  it('masks it in the last error of a retried outage too', async () => {
    const target = await echoing(500);
    target.retries = 1;
    target.redact = createRedactor([KEY]);
    const r = await callTarget(target, goldenCase());
    expect(r.attempts).toBe(2);
    expect(r.error?.message).toMatch(/answered 500: .*Bearer \*\*\*/);
  });

  it('shows the body as is without a redactor (the text really carries the key)', async () => {
    const target = await echoing(400);
    const r = await callTarget(target, goldenCase());
    expect(r.error?.message).toContain(KEY);
  });
});

describe('endpointLabel', () => {
  it('keeps origin and path, drops userinfo, query and fragment', () => {
    expect(
      endpointLabel('https://user:pa55@api.example.com:8443/fn/answer?code=fk-1&x=2#top'),
    ).toBe('https://api.example.com:8443/fn/answer');
    expect(endpointLabel('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000/');
  });

  it('labels chat targets by model and http targets by their cleaned url', () => {
    expect(
      targetLabel({ type: 'http', url: 'https://h/x?code=secret', output: 'a' } as Parameters<
        typeof targetLabel
      >[0]),
    ).toBe('https://h/x');
    expect(
      targetLabel({ type: 'openai', base_url: 'https://h/v1', model: 'm-1' } as Parameters<
        typeof targetLabel
      >[0]),
    ).toBe('m-1');
  });
});

import type http from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { createTransport, type HttpRequest, TransportError } from '../../src/targets/transport.js';
import { startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';

// The transport keeps one 'abort' listener per signal for all the calls it cancels, and works out
// node:http's options once per URL object: what a cancel or a changed URL must still do.

/** A server that answers "/fast..." at once and holds every other request until released. */
async function holdingServer() {
  const held: http.ServerResponse[] = [];
  const server = await startLoopback((req, res) => {
    if (req.path.startsWith('/fast')) res.end(req.path);
    else held.push(res);
  });
  const release = () => {
    for (const res of held.splice(0)) res.end('late');
  };
  afterThisTest(async () => {
    release();
    await server.close();
  });
  return { server, held, release };
}

function transportForTest(maxSockets = 64) {
  const t = createTransport(maxSockets);
  afterThisTest(() => t.close());
  return t;
}

const get = (url: URL, signal?: AbortSignal): HttpRequest => ({
  url,
  method: 'GET',
  headers: {},
  timeoutMs: 30_000,
  ...(signal ? { signal } : {}),
});

const kindOf = (p: Promise<unknown>) =>
  p.then(
    () => 'answered',
    (e: unknown) => (e instanceof TransportError ? e.kind : String(e)),
  );

describe('transport cancellation', () => {
  it('one abort ends every call in flight on that signal, and none on another', async () => {
    const { server, held, release } = await holdingServer();
    const t = transportForTest();
    const url = new URL(`${server.url}/held`);
    const cancel = new AbortController();
    const other = new AbortController();
    // Calls on the signal that settle before the abort leave it listening for the next ones.
    const early = await Promise.all(
      [1, 2, 3].map(() => kindOf(t.send(get(new URL(`${server.url}/fast`), cancel.signal)))),
    );
    expect(early).toEqual(['answered', 'answered', 'answered']);
    const cancelled = Array.from({ length: 40 }, () => kindOf(t.send(get(url, cancel.signal))));
    const kept = Array.from({ length: 5 }, () => kindOf(t.send(get(url, other.signal))));
    await vi.waitFor(() => expect(held).toHaveLength(45), { timeout: 20_000 });
    cancel.abort();
    expect(await Promise.all(cancelled)).toEqual(Array(40).fill('aborted'));
    release();
    expect(await Promise.all(kept)).toEqual(Array(5).fill('answered'));
  });

  it('a call on a signal already aborted is refused without a request', async () => {
    const { server } = await holdingServer();
    const t = transportForTest();
    const cancel = new AbortController();
    cancel.abort();
    expect(await kindOf(t.send(get(new URL(`${server.url}/fast`), cancel.signal)))).toBe('aborted');
    expect(server.requests).toHaveLength(0);
  });
});

describe('transport URLs', () => {
  it('a URL object changed after a call is sent where it now points', async () => {
    const { server } = await holdingServer();
    const t = transportForTest();
    const url = new URL(`${server.url}/fast?n=1`);
    expect((await t.send(get(url))).body).toBe('/fast?n=1');
    url.searchParams.set('n', '2');
    expect((await t.send(get(url))).body).toBe('/fast?n=2');
    expect(server.requests.map((r) => r.path)).toEqual(['/fast?n=1', '/fast?n=2']);
  });
});

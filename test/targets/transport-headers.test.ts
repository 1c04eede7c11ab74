import { describe, expect, it } from 'vitest';
import { createTransport, type HttpRequest } from '../../src/targets/transport.js';
import { type Loopback, startLoopback } from '../helpers/loopback.js';
import { afterThisTest } from '../helpers/per-test.js';

// The transport hands node:http its header lines ready-made instead of a headers object, so what
// node:http would have added or merged for an object is the transport's to do: these are the
// headers an endpoint must still see.

/** Every request's header lines, as the server read them off the wire. */
async function recordingServer() {
  const server = await startLoopback((_req, res) => {
    res.end('ok');
  });
  afterThisTest(() => server.close());
  return server;
}

function transportForTest() {
  const t = createTransport(8);
  afterThisTest(() => t.close());
  return t;
}

const post = (url: URL, headers: Record<string, string>, body = '{"q":"é"}'): HttpRequest => ({
  url,
  method: 'POST',
  headers,
  body,
  timeoutMs: 30_000,
});

/** Request `n`'s headers: name (lower case) → every value sent under it, in order. */
function sentBy(server: Loopback, n: number): Record<string, string[]> {
  const lines = server.requests[n]!.rawHeaders;
  const out: Record<string, string[]> = {};
  for (let i = 0; i < lines.length; i += 2) {
    const name = lines[i]!.toLowerCase();
    out[name] = [...(out[name] ?? []), lines[i + 1]!];
  }
  return out;
}

describe('transport header lines', () => {
  it('sends Host with the port and the body length in bytes, once each', async () => {
    const server = await recordingServer();
    await transportForTest().send(
      post(new URL(`${server.url}/x`), { 'content-type': 'application/json' }),
    );
    const sent = sentBy(server, 0);
    expect(sent.host).toEqual([new URL(server.url).host]);
    expect(sent['content-length']).toEqual([String(Buffer.byteLength('{"q":"é"}'))]);
    expect(sent['content-type']).toEqual(['application/json']);
    // Keep-alive is still asked for, as node:http does for an object of headers.
    expect(sent.connection).toEqual(['keep-alive']);
  });

  it('a name given twice in different case is sent once, with the later value', async () => {
    const server = await recordingServer();
    await transportForTest().send(
      post(new URL(server.url), {
        'content-type': 'application/json',
        'X-Team': 'a',
        'Content-Type': 'application/json; charset=utf-8',
        'x-team': 'b',
      }),
    );
    const sent = sentBy(server, 0);
    expect(sent['content-type']).toEqual(['application/json; charset=utf-8']);
    expect(sent['x-team']).toEqual(['b']);
  });

  it("the caller's Host stays; a Content-Length of its own is replaced by the body's", async () => {
    const server = await recordingServer();
    await transportForTest().send(
      post(new URL(server.url), { Host: 'app.internal', 'Content-Length': '999' }, 'abc'),
    );
    const sent = sentBy(server, 0);
    expect(sent.host).toEqual(['app.internal']);
    expect(sent['content-length']).toEqual(['3']);
  });

  it('credentials in the URL become Basic authorization unless the caller sent one', async () => {
    const server = await recordingServer();
    const t = transportForTest();
    const url = new URL(server.url);
    url.username = 'ci user';
    url.password = 'p@ss:word';
    await t.send(post(url, {}));
    await t.send(post(url, { authorization: 'Bearer k' }));
    const basic = `Basic ${Buffer.from('ci user:p@ss:word').toString('base64')}`;
    expect(sentBy(server, 0).authorization).toEqual([basic]);
    expect(sentBy(server, 1).authorization).toEqual(['Bearer k']);
  });

  it('a GET without a body sends no Content-Length', async () => {
    const server = await recordingServer();
    await transportForTest().send({
      url: new URL(server.url),
      method: 'GET',
      headers: {},
      timeoutMs: 30_000,
    });
    expect(sentBy(server, 0)['content-length']).toBeUndefined();
    expect(sentBy(server, 0).host).toEqual([new URL(server.url).host]);
  });
});

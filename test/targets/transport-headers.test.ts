import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
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

describe('transport over TLS with a Host header of its own', () => {
  // node:http derives the TLS server name (SNI) from a Host header in an object of headers; the
  // transport sends lines, so it must do the same, or a virtual host behind TLS would be asked
  // for the wrong certificate.
  const dir = path.join(import.meta.dirname, '../fixtures/tls');
  const pair = {
    key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
    cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
  };

  it('asks for the Host header name, and for none when the header is an address', async () => {
    const asked: string[] = [];
    const server = https.createServer(
      {
        ...pair,
        SNICallback: (name, done) => {
          asked.push(name);
          done(null, tls.createSecureContext(pair));
        },
      },
      (_req, res) => res.end('ok'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    afterThisTest(() => new Promise((resolve) => server.close(resolve)));
    const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const t = transportForTest();
    // The certificate is not trusted in this process: every call fails after the hello that
    // carries the server name, which is all this test reads.
    await t.send(post(url, { Host: 'app.internal:8443' })).catch(() => undefined);
    await t.send(post(url, { host: '[::1]:8443' })).catch(() => undefined);
    await t.send(post(url, {})).catch(() => undefined);
    expect(asked).toEqual(['app.internal']);
  });
});

import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeServer, startFakeOpenAI, userText } from '../helpers/fake-openai.js';
import { baseConfig, CLI, goldenJsonl, ROOT, runNode, workspace } from '../helpers/workspace.js';

// A self-signed certificate for 127.0.0.1 (valid to 2126), trusted by the CLI through
// NODE_EXTRA_CA_CERTS: TLS is loaded only with the first https call (src/util/builtin.ts), so
// this is the test that the lazily loaded path works end to end.
const TLS_DIR = path.join(ROOT, 'test/fixtures/tls');
const tls = {
  key: readFileSync(path.join(TLS_DIR, 'key.pem'), 'utf8'),
  cert: readFileSync(path.join(TLS_DIR, 'cert.pem'), 'utf8'),
};

let server: FakeServer | undefined;
let proxy: net.Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise((resolve) => (proxy ? proxy.close(resolve) : resolve(undefined)));
  proxy = undefined;
});

/**
 * A TCP relay to `port` that holds the server's first bytes on each connection (its TLS hello)
 * for `holdMs`: every new connection's handshake takes that long, and nothing after it does.
 */
async function slowHandshakes(port: number, holdMs: number): Promise<number> {
  proxy = net.createServer((client) => {
    const upstream = net.connect(port, '127.0.0.1');
    client.pipe(upstream);
    let first = true;
    upstream.on('data', (chunk) => {
      if (!first) {
        client.write(chunk);
        return;
      }
      first = false;
      upstream.pause();
      setTimeout(() => {
        client.write(chunk);
        upstream.resume();
      }, holdMs);
    });
    upstream.on('end', () => client.end());
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', drop);
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  return (proxy.address() as AddressInfo).port;
}

describe('an https endpoint', () => {
  it('is called over TLS, answers scored, the run passes', async () => {
    server = await startFakeOpenAI((req) => userText(req).replace('q', 'a'), { tls });
    expect(server.url.startsWith('https://')).toBe(true);
    const dir = workspace({
      'golden.jsonl': goldenJsonl(40),
      'evalgate.yml': baseConfig(server.url),
    });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yml'], {
      cwd: dir,
      env: { TEST_KEY: 'k', NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'cert.pem') },
    });
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    expect(report.cases).toHaveLength(40);
    for (const c of report.cases) {
      expect(c.baseline.error).toBeNull();
      expect(c.candidate.pass).toBe(true);
    }
    expect(server.requests).toHaveLength(80);
  });

  it('times calls from when the connection is secured: a slow TLS handshake is not the endpoint’s latency', async () => {
    server = await startFakeOpenAI((req) => userText(req).replace('q', 'a'), { tls });
    const holdMs = 600;
    const port = await slowHandshakes(Number(new URL(server.url).port), holdMs);
    const dir = workspace({
      'golden.jsonl': goldenJsonl(30),
      'evalgate.yml': baseConfig(`https://127.0.0.1:${port}/v1`),
    });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yml'], {
      cwd: dir,
      env: { TEST_KEY: 'k', NODE_EXTRA_CA_CERTS: path.join(TLS_DIR, 'cert.pem') },
    });
    expect(r.stderr).not.toContain('internal error');
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    // Every connection waited out the held hello, so the run did too ...
    expect(report.meta.duration_ms).toBeGreaterThanOrEqual(holdMs);
    // ... but no call counts it: each is timed from the request leaving on a secured socket.
    for (const c of report.cases) {
      for (const side of [c.baseline, c.candidate]) {
        expect(side.error).toBeNull();
        expect(side.latency_ms).toBeLessThan(holdMs / 2);
      }
    }
  });

  it('whose certificate is not trusted fails its calls as network errors, never a crash', async () => {
    server = await startFakeOpenAI(() => 'a', { tls });
    const dir = workspace({
      'golden.jsonl': goldenJsonl(3),
      'evalgate.yml': baseConfig(server.url),
    });
    const r = await runNode(CLI, ['run', '--config', 'evalgate.yml'], {
      cwd: dir,
      env: { TEST_KEY: 'k' },
    });
    expect(r.stderr).not.toContain('internal error');
    expect([0, 3]).toContain(r.code);
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    for (const c of report.cases) {
      for (const side of [c.baseline, c.candidate]) {
        expect(side.error.kind).toBe('network');
        expect(side.error.message).toMatch(/self[- ]signed|certificate/i);
      }
    }
    // The handshake failed: no request ever reached the handler.
    expect(server.requests).toHaveLength(0);
  });
});

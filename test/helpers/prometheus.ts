import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A real Prometheus (Debian's /usr/bin/prometheus) for a test: a free loopback port, a temp
// config and data dir, a short scrape interval. stop() kills it and waits for it to exit.

export interface RealPrometheus {
  url: string;
  stop(): Promise<void>;
  /** An instant query's first value, or undefined when it matched nothing. */
  instant(query: string): Promise<number | undefined>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(
  binary: string,
  targets: string[],
  scrapeInterval = '500ms',
): Promise<RealPrometheus> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-prom-'));
  const config = [
    'global:',
    `  scrape_interval: ${scrapeInterval}`,
    `  evaluation_interval: ${scrapeInterval}`,
    'scrape_configs:',
    '  - job_name: app',
    `    scrape_interval: ${scrapeInterval}`,
    `    scrape_timeout: ${scrapeInterval}`,
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (stderr.length < 10_000) stderr += c.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  // Ready when /-/ready answers 200; bounded so a broken install fails the test, not hangs it.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited: ${stderr}`);
    }
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const instant = async (query: string) => {
    const r = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const j = (await r.json()) as { data?: { result?: { value: [number, string] }[] } };
    const v = j.data?.result?.[0]?.value?.[1];
    return v === undefined ? undefined : Number(v);
  };
  return { url, stop, instant };
}

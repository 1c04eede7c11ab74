import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// A real Prometheus and a real Pushgateway (Debian's binaries; tests find them with needTools),
// each on a free loopback port, ready when /-/ready answers (polled, bounded), and stopped
// (killed, waited for, its temp folder removed) by stop() in afterAll: no process left behind.

export interface Service {
  url: string;
  stop(): Promise<void>;
}

/** A loopback port nothing listened on a moment ago. */
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

/** Polls `probe` until it returns a value, up to `limitMs` (a bound on hanging, not a timing guess). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  limitMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not there after ${limitMs} ms (${String(last ?? '')})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startService(
  name: string,
  binary: string,
  args: (listen: string) => string[],
  cleanup: () => void = () => {},
): Promise<Service> {
  // The port is free when picked; another process could take it before ours binds, so a start
  // that exits early is tried again on a new port.
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const listen = `127.0.0.1:${port}`;
    const child: ChildProcess = spawn(binary, args(listen), {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr?.on('data', (c) => {
      log = (log + c).slice(-4000);
    });
    let exited = false;
    const gone = new Promise<void>((resolve) =>
      child.once('exit', () => {
        exited = true;
        resolve();
      }),
    );
    const url = `http://${listen}`;
    const stop = async () => {
      if (!exited) child.kill('SIGTERM');
      await gone;
      cleanup();
    };
    try {
      await until(`${name} ready`, async () => {
        if (exited) throw new Error(`${name} exited: ${log}`);
        const r = await fetch(`${url}/-/ready`);
        return r.ok ? true : undefined;
      });
      return { url, stop };
    } catch (err) {
      await stop();
      if (attempt >= 2 || !exited) throw err;
    }
  }
}

export function startPushgateway(binary: string): Promise<Service> {
  // In memory only: Debian's build persists every push to /var/lib/prometheus/pushgateway.data
  // by default, so a push from an earlier run (any run on the machine) came back in this one.
  return startService('pushgateway', binary, (listen) => [
    `--web.listen-address=${listen}`,
    '--persistence.file=',
  ]);
}

export interface PrometheusOptions {
  /** How often each target is scraped (also the evaluation interval and the scrape timeout). */
  scrapeInterval?: string;
  /** The scrape job's name. */
  job?: string;
  /** Keep the job/instance labels the targets expose (a Pushgateway's pushed groups). */
  honorLabels?: boolean;
}

/**
 * Prometheus scraping `targets` (host:port), with its config and data in a temp folder that
 * stop() removes: the Pushgateway for the export tests, the app tracks for the canary's.
 */
export function startPrometheus(
  binary: string,
  targets: string[],
  { scrapeInterval = '1s', job = 'app', honorLabels = false }: PrometheusOptions = {},
): Promise<Service> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-prom-'));
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      `global: {scrape_interval: ${scrapeInterval}, scrape_timeout: ${scrapeInterval}, evaluation_interval: ${scrapeInterval}}`,
      'scrape_configs:',
      `  - job_name: ${job}`,
      ...(honorLabels ? ['    honor_labels: true'] : []),
      `    static_configs: [{targets: ${JSON.stringify(targets)}}]`,
      '',
    ].join('\n'),
  );
  return startService(
    'prometheus',
    binary,
    (listen) => [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=${listen}`,
      '--log.level=error',
    ],
    () => rmSync(dir, { recursive: true, force: true }),
  );
}

/** Instant-query results: each series' labels and value. */
export async function promQuery(
  prometheus: string,
  query: string,
): Promise<{ metric: Record<string, string>; value: number }[]> {
  const r = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(query)}`);
  const body = (await r.json()) as {
    status: string;
    data?: { result: { metric: Record<string, string>; value: [number, string] }[] };
    error?: string;
  };
  if (body.status !== 'success') throw new Error(`query ${query}: ${body.error}`);
  return body.data!.result.map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
}

/** An instant query's first value, or undefined when it matched nothing. */
export async function promValue(prometheus: string, query: string): Promise<number | undefined> {
  return (await promQuery(prometheus, query))[0]?.value;
}

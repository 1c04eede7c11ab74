import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { createRng } from '../../src/stats/rng.js';

// A loopback stand-in for one track of an LLM service as Prometheus sees it: prom-client
// counters of requests and errors and a latency histogram, fed by a steady synthetic load (a
// batch of requests every 25 ms) with this track's error rate and latency. /metrics is scraped.

export interface AppProfile {
  track: string;
  errorRate: number;
  /** Latency is uniform on [latencyMs·0.8, latencyMs·1.2]. */
  latencyMs: number;
  seed: number;
}

export interface LlmApp {
  /** `127.0.0.1:<port>`, as a scrape target. */
  target: string;
  close(): Promise<void>;
}

export async function startLlmApp(p: AppProfile): Promise<LlmApp> {
  const registry = new Registry();
  const labelNames = ['track'] as const;
  const requests = new Counter({
    name: 'app_requests_total',
    help: 'requests',
    labelNames,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'app_errors_total',
    help: 'failed requests',
    labelNames,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'app_request_duration_seconds',
    help: 'request latency',
    labelNames,
    buckets: [0.05, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3, 0.5, 1],
    registers: [registry],
  });
  // Both counters exist from the start (a zero error count is a series, not an absence).
  errors.inc({ track: p.track }, 0);
  const rng = createRng(p.seed);
  const timer = setInterval(() => {
    for (let i = 0; i < 10; i++) {
      requests.inc({ track: p.track });
      if (rng() < p.errorRate) errors.inc({ track: p.track });
      latency.observe({ track: p.track }, (p.latencyMs * (0.8 + 0.4 * rng())) / 1000);
    }
  }, 25);
  const server = http.createServer(async (_req, res) => {
    res.setHeader('content-type', registry.contentType);
    res.end(await registry.metrics());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    target: `127.0.0.1:${port}`,
    close: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

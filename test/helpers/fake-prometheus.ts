import { type Loopback, startLoopback } from './loopback.js';
import { afterThisTest } from './per-test.js';

/**
 * A Prometheus stand-in on loopback speaking the range-query API (`/api/v1/query_range`): each
 * query's value at every step is `level(query)` times seeded noise in [0.9, 1.1); `undefined`
 * answers an empty result (no data). `special(query, step)` may answer a step's value itself, as
 * Prometheus writes it ("+Inf", "NaN"). Closed when the current test ends.
 */
export async function fakePrometheus(
  level: (query: string) => number | undefined,
  special: (query: string, step: number) => string | undefined = () => undefined,
): Promise<Loopback> {
  let seed = 1;
  const server = await startLoopback((req, res) => {
    const u = new URL(req.path, 'http://x');
    const q = u.searchParams.get('query') ?? '';
    const start = Number(u.searchParams.get('start'));
    const end = Number(u.searchParams.get('end'));
    const step = Number(u.searchParams.get('step'));
    const l = level(q);
    const values: [number, string][] = [];
    if (l !== undefined) {
      for (let t = start, i = 0; t <= end; t += step, i++) {
        seed = (seed * 16807) % 2147483647;
        values.push([t, special(q, i) ?? String(l * (0.9 + (0.2 * seed) / 2147483647))]);
      }
    }
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: l === undefined ? [] : [{ metric: {}, values }] },
      }),
    );
  });
  afterThisTest(() => server.close());
  return server;
}

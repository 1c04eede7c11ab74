// The floor for the benchmark: the same calls as `evalgate run` makes (two targets, the same
// concurrency, keep-alive node:http), with nothing else: no config, no runner, no scoring, no
// report. Its wall time is what node:http and this machine allow right now; evalgate's run is
// measured against it as well as against the ideal. Prints {"wall_ms", "cpu_ms"} as JSON.
import http from 'node:http';

const [base, casesArg, concurrencyArg] = process.argv.slice(2);
const url = new URL(`${base}/chat/completions`);
const cases = Number(casesArg);
const concurrency = Number(concurrencyArg);

function side(model) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, scheduling: 'lifo' });
  let next = 0;
  const call = (i) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({
        model,
        messages: [{ role: 'user', content: `What is ${i} + 42 - ${i}?` }],
      });
      // Header lines and the few URL fields node:http reads, as evalgate's transport sends them:
      // the cheapest way node:http offers, or this would not be a floor.
      const req = http.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          agent,
          headers: [
            'Host',
            url.host,
            'content-type',
            'application/json',
            'Content-Length',
            String(Buffer.byteLength(body)),
          ],
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const worker = async () => {
    while (next < cases) await call(next++);
  };
  return Promise.all(Array.from({ length: concurrency }, worker)).finally(() => agent.destroy());
}

const started = performance.now();
const cpu = process.cpuUsage();
await Promise.all([side('a'), side('b')]);
const used = process.cpuUsage(cpu);
console.log(
  JSON.stringify({
    wall_ms: performance.now() - started,
    cpu_ms: (used.user + used.system) / 1000,
  }),
);

// `npm run bench`: the real CLI bundle against a local endpoint with a fixed 50 ms latency.
// Reports wall time against the ideal (cases / concurrency × latency), CPU per call, peak memory.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const LATENCY_MS = 50;
const scenarios = [
  { cases: 2000, concurrency: 32 },
  { cases: 10000, concurrency: 64 },
];

function startServer() {
  const child = spawn(process.execPath, [path.join(root, 'bench/server.mjs'), String(LATENCY_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve({ url: String(d).trim(), child })),
  );
}

function run(dir, env) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        path.join(root, 'bench/rusage.mjs'),
        path.join(root, 'dist/cli.js'),
        'run',
        '--config',
        'evalgate.yaml',
      ],
      { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, err }));
  });
}

const server = await startServer();
console.log(
  `endpoint ${server.url}, ${LATENCY_MS} ms per call, node ${process.version}, ${os.cpus().length} cores\n`,
);
for (const s of scenarios) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-bench-'));
  const lines = [];
  for (let i = 0; i < s.cases; i++)
    lines.push(JSON.stringify({ id: `c${i}`, input: `What is ${i} + 42 - ${i}?`, expected: '42' }));
  writeFileSync(path.join(dir, 'golden.jsonl'), lines.join('\n'));
  const target = (model) => `    type: openai
    base_url: ${server.url}
    model: ${model}
    price: {input_per_mtok: 1, output_per_mtok: 2}`;
  writeFileSync(
    path.join(dir, 'evalgate.yaml'),
    `version: 1
dataset: golden.jsonl
targets:
  baseline:
${target('a')}
  candidate:
${target('b')}
scorers: [{type: contains}]
budgets: {quality: {max_drop: 0.02}, latency_p95: {max_increase: 20%}, cost: {max_increase: 10%}}
run: {concurrency: ${s.concurrency}}
`,
  );
  const usageFile = path.join(dir, 'rusage.json');
  const started = performance.now();
  const r = await run(dir, { EVALGATE_BENCH_RUSAGE: usageFile });
  const wall = (performance.now() - started) / 1000;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  const calls = s.cases * 2;
  const ideal = (s.cases / s.concurrency) * (LATENCY_MS / 1000);
  if (r.code !== 0) console.error(r.err);
  console.log(
    `${s.cases} paired cases, concurrency ${s.concurrency}/target: wall ${wall.toFixed(2)} s vs ideal ${ideal.toFixed(3)} s ` +
      `(${(wall / ideal).toFixed(2)}x, includes process start-up), CPU ${(usage.cpu_ms / calls).toFixed(3)} ms/call, ` +
      `peak RSS ${usage.max_rss_mb.toFixed(0)} MB, exit ${r.code}`,
  );
}
server.child.kill();

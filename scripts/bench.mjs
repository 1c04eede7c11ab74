// `npm run bench`: the real CLI bundle against a local endpoint with a fixed 50 ms latency.
// Reports, per scenario, the process's wall time (node start-up included) and the run's own
// (the report's meta.duration_ms: load, calls, scoring, statistics), both against the ideal
// (cases / concurrency × latency), CPU per call for everything the process did, and peak memory.
// For 2000 cases it also times the floor: bare node:http making the same calls and nothing else,
// which says how much of the gap to the ideal this machine and node:http leave to evalgate. The
// two ends of the process are timed by the endpoint: start-up (spawn to first request) and the
// decision (last reply to exit).
//
//   npm run bench                      both scenarios, 3 runs each, the median run reported
//   npm run bench -- --runs 5          more runs
//   npm run bench -- --only 2000       one scenario (by case count)
//   npm run bench -- --only 100000     the large set, never run by default (minutes of CPU):
//                                      peak memory and the decision, i.e. the time from the
//                                      endpoint's last reply to the process's exit (scoring the
//                                      last answers, statistics, report written, verdict printed)
//   npm run bench -- --profile DIR     also write a CPU profile per run (node --cpu-prof)
//   npm run bench -- --agent           agent cases instead: each case a two-step tool-calling
//                                      loop (a tool call, its canned result, the answer), so
//                                      twice the model calls; CPU is per model call
//   EVALGATE_BENCH_CLI=path            bench another bundle (default dist/cli.js)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = process.env.EVALGATE_BENCH_CLI ?? path.join(root, 'dist/cli.js');
const LATENCY_MS = 50;
const scenarios = [
  { cases: 2000, concurrency: 32, floor: true, target: { ratio: 1.15, cpuMs: 0.4 } },
  { cases: 10000, concurrency: 64, target: { cpuMs: 0.4, rssMb: 150 } },
  {
    cases: 100000,
    concurrency: 256,
    optIn: true,
    target: { cpuMs: 0.4, rssMb: 400, decisionMs: 2000 },
  },
];
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    only: { type: 'string' },
    profile: { type: 'string' },
    agent: { type: 'boolean', default: false },
  },
});
const runs = Math.max(1, Number(flags.runs));
// Node reads the CA bundle NODE_EXTRA_CA_CERTS names at every start, before any of our code runs:
// with a distribution's whole bundle (a sandbox or corporate image sets one) that is ~50 ms and
// ~60 ms of CPU per process, node's and the image's cost, not evalgate's. The bench endpoint is
// plain http, so the measured processes start without it; the header line says when it was set.
const { NODE_EXTRA_CA_CERTS: extraCaCerts, ...benchEnv } = process.env;

function startServer() {
  const mode = flags.agent ? ['agent'] : [];
  const child = spawn(
    process.execPath,
    [path.join(root, 'bench/server.mjs'), String(LATENCY_MS), ...mode],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve) =>
    child.stdout.once('data', (d) => resolve({ url: String(d).trim(), child })),
  );
}

/**
 * When the endpoint got its first request since the last question and sent its last reply (ms
 * since the epoch): bench/server.mjs answers on stdin.
 */
function endpointTimes(server) {
  return new Promise((resolve) => {
    server.child.stdout.once('data', (d) => {
      const t = JSON.parse(String(d));
      resolve({ first: t.first_request_ms, last: t.last_reply_ms });
    });
    server.child.stdin.write('\n');
  });
}

function run(dir, env) {
  const profile = flags.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(flags.profile)}`]
    : [];
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        ...profile,
        '--import',
        path.join(root, 'bench/rusage.mjs'),
        cli,
        'run',
        '--config',
        'evalgate.yaml',
      ],
      { cwd: dir, env: { ...benchEnv, ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('close', (code) => resolve({ code, err }));
  });
}

/** Bare node:http making the same calls: what this machine allows right now (bench/floor.mjs). */
function floor(s, url) {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'bench/floor.mjs'), url, String(s.cases), String(s.concurrency)],
      { env: benchEnv, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', () => resolve(JSON.parse(out)));
  });
}

function workspaceFor(s, url) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'evalgate-bench-'));
  const lines = [];
  // Agent cases carry the canned result of the one tool the bench endpoint calls.
  const results = flags.agent ? { tool_results: [{ name: 'add', result: 42 }] } : {};
  for (let i = 0; i < s.cases; i++)
    lines.push(
      JSON.stringify({
        id: `c${i}`,
        input: `What is ${i} + 42 - ${i}?`,
        expected: '42',
        ...results,
      }),
    );
  writeFileSync(path.join(dir, 'golden.jsonl'), lines.join('\n'));
  const target = (model) => `    type: openai
    base_url: ${url}
    model: ${model}
    price: {input_per_mtok: 1, output_per_mtok: 2}${
      flags.agent
        ? `
    tools: [{type: function, function: {name: add, parameters: {type: object, properties: {a: {type: number}, b: {type: number}}}}}]
    max_steps: 3`
        : ''
    }`;
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
  return dir;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mark = (ok) => (ok ? 'ok' : 'MISSED');

const server = await startServer();
// The endpoint is our child: it must not outlive a benchmark that fails half way.
process.on('exit', () => server.child.kill());
console.log(
  `endpoint ${server.url}, ${LATENCY_MS} ms per call, node ${process.version}, ${os.cpus().length} cores, ` +
    `load average ${os.loadavg()[0].toFixed(2)}; ${runs} run(s) per scenario, median reported` +
    (extraCaCerts
      ? `\nNODE_EXTRA_CA_CERTS is set here: the measured processes start without it (node would read ${extraCaCerts} at every start; the endpoint is plain http)`
      : '') +
    '\n',
);
let failed = false;
for (const s of scenarios) {
  if (flags.only ? Number(flags.only) !== s.cases : s.optIn) continue;
  const calls = s.cases * 2 * (flags.agent ? 2 : 1);
  // An agent case waits for its two steps one after the other.
  const ideal = (s.cases / s.concurrency) * LATENCY_MS * (flags.agent ? 2 : 1);
  const results = [];
  for (let i = 0; i < runs; i++) {
    const dir = workspaceFor(s, server.url);
    const usageFile = path.join(dir, 'rusage.json');
    await endpointTimes(server);
    const spawnedAt = performance.timeOrigin + performance.now();
    const started = performance.now();
    const r = await run(dir, { EVALGATE_BENCH_RUSAGE: usageFile });
    const wall = performance.now() - started;
    if (r.code !== 0) {
      // A bundle being rebuilt, or a broken one: say so and measure nothing from this run.
      console.error(`run ${i + 1} of ${s.cases} cases exited ${r.code}:\n${r.err}`);
      failed = true;
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
    const times = await endpointTimes(server);
    const decision = usage.exit_ms - times.last;
    const startup = times.first - spawnedAt;
    const report = JSON.parse(readFileSync(path.join(dir, 'evalgate-report.json'), 'utf8'));
    const bare = s.floor && !flags.agent ? await floor(s, server.url) : undefined;
    results.push({
      wall,
      floor: bare?.wall_ms,
      run: report.meta.duration_ms,
      cpu: usage.cpu_ms / calls,
      rss: usage.max_rss_mb,
      decision,
      startup,
      floorCpu: bare && bare.cpu_ms / calls,
      code: r.code,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  if (results.length === 0) continue;
  const wall = median(results.map((r) => r.wall));
  const runMs = median(results.map((r) => r.run));
  const cpu = median(results.map((r) => r.cpu));
  const rss = median(results.map((r) => r.rss));
  const decision = median(results.map((r) => r.decision));
  const startup = median(results.map((r) => r.startup));
  const bare = s.floor && !flags.agent ? median(results.map((r) => r.floor)) : undefined;
  const bareCpu = s.floor && !flags.agent ? median(results.map((r) => r.floorCpu)) : undefined;
  console.log(
    `${s.cases} paired ${flags.agent ? 'agent cases (2 steps each)' : 'cases'}, concurrency ${s.concurrency}/target (ideal ${(ideal / 1000).toFixed(3)} s):\n` +
      (bare
        ? `  floor   ${(bare / 1000).toFixed(2)} s = ${(bare / ideal).toFixed(3)}x ideal (bare node:http, the same calls, nothing else)\n`
        : '') +
      `  run     ${(runMs / 1000).toFixed(2)} s = ${(runMs / ideal).toFixed(3)}x ideal (meta.duration_ms)\n` +
      `  process ${(wall / 1000).toFixed(2)} s = ${(wall / ideal).toFixed(3)}x ideal (node start-up included)` +
      (s.target.ratio
        ? `  target ≤ ${s.target.ratio}x: ${mark(wall / ideal <= s.target.ratio)}`
        : '') +
      `\n  CPU     ${cpu.toFixed(3)} ms/call, all of the process's work` +
      `  target ≤ ${s.target.cpuMs}: ${mark(cpu <= s.target.cpuMs)}` +
      (bareCpu === undefined ? '' : ` (bare node:http, calls alone: ${bareCpu.toFixed(3)})`) +
      `\n  memory  ${rss.toFixed(0)} MB peak RSS` +
      (s.target.rssMb ? `  target ≤ ${s.target.rssMb}: ${mark(rss <= s.target.rssMb)}` : '') +
      `\n  start-up ${(startup / 1000).toFixed(2)} s from spawning the process to the first request` +
      `\n  decision ${(decision / 1000).toFixed(2)} s from the last reply to exit` +
      (s.target.decisionMs
        ? `  target ≤ ${s.target.decisionMs / 1000}: ${mark(decision <= s.target.decisionMs)}`
        : '') +
      `\n  runs    ${results.map((r) => `${(r.wall / 1000).toFixed(2)} s/${r.cpu.toFixed(3)} ms/${r.rss.toFixed(0)} MB`).join(', ')}\n`,
  );
}
server.child.kill();
if (failed) process.exitCode = 1;

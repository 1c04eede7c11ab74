// `npm run demo`: start the simulated endpoint, run the real CLI bundle on the demo, show the result.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from './server.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const server = await startDemoServer(0);
const args = [
  'dist/cli.js',
  'run',
  '--config',
  'evals/demo/evalgate.yaml',
  '--report',
  'evalgate-demo-report.json',
  '--summary',
  'evalgate-demo-summary.md',
  '--html',
  'evalgate-demo-report.html',
];
console.log(`demo endpoint: ${server.url}\n$ evalgate ${args.slice(1).join(' ')}\n`);
const child = spawn(process.execPath, args, {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, EVALGATE_DEMO_URL: server.url, EVALGATE_DEMO_KEY: 'demo-key-not-secret' },
});
const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c ?? 3)));
await server.close();
const meaning = {
  0: 'pass',
  1: 'blocked (a budget was exceeded)',
  2: 'bad input',
  3: 'could not judge',
};
console.log(`\nevalgate exited ${code}: ${meaning[code] ?? 'unexpected'}.`);
if (code === 1) {
  console.log(
    'That is the demo working: demo-v2 broke the billing slice, and the gate blocked it.',
  );
  console.log('Report: evalgate-demo-report.json   Job-summary Markdown: evalgate-demo-summary.md');
  console.log(
    `HTML report: ${path.join(root, 'evalgate-demo-report.html')} (open it in a browser, or: npx evalgate view evalgate-demo-report.json --open)`,
  );
}
// The demo succeeds when the gate did its job (blocked the regression); anything else is a bug.
process.exitCode = code === 1 ? 0 : 1;

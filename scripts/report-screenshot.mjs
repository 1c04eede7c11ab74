// Takes docs/report-screenshot.png: runs `npm run demo` (which writes evalgate-demo-report.html;
// run `npm run build` first) and photographs the top of the page with Debian's Chromium
// (/usr/bin/chromium, or CHROMIUM), one regressed case opened below it.
// Usage: node scripts/report-screenshot.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from './chromium-args.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const demo = spawnSync(process.execPath, ['evals/demo/run-demo.mjs'], {
  cwd: root,
  encoding: 'utf8',
});
if (demo.status !== 0) throw new Error(`npm run demo failed:\n${demo.stdout}\n${demo.stderr}`);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
const page = await browser.newPage({ viewport: { width: 1280, height: 1500 } });
await page.goto(pathToFileURL(path.join(root, 'evalgate-demo-report.html')).href);
await page.waitForSelector('body[data-ready=true]');
const out = path.join(root, 'docs/report-screenshot.png');
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);

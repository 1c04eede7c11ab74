// `node bench/redact.mjs`: how long masking a whole report takes, the redactTree pass every run
// ends with. 10,000 cases, each with a 1 KB output on both sides, an input, an expected answer,
// reasons and an error on every tenth case; five secrets (two API keys, a github-token, a
// function key and a URL with a password, as `${VAR}` values), one of which an endpoint echoed
// in every hundredth output. Prints the median of 7 passes over fresh copies of the report, in
// CPU time (user + system), which a loaded machine disturbs less than wall time.
// To compare with another version: `git show REF:src/util/redact.ts > /tmp/old.ts`, then
// `node bench/redact.mjs /tmp/old.ts`.
import path from 'node:path';
import { importSource } from './from-source.mjs';

const CASES = 10_000;

const { createRedactor, redactTree } = await importSource({
  [process.argv[2] ? path.resolve(process.argv[2]) : 'src/util/redact.ts']: [
    'createRedactor',
    'redactTree',
  ],
});

// Seeded, so every run of the bench masks the same text.
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const WORDS = 'the of and a to in is you that it he was for on are as with his they at be this'
  .split(' ')
  .concat(['model', 'answer', 'refund', 'policy', 'order', '2024', 'customer', 'shipping']);
const text = (bytes) => {
  let s = '';
  while (s.length < bytes) s += `${WORDS[Math.floor(rand() * WORDS.length)]} `;
  return s.slice(0, bytes);
};

const SECRETS = [
  'sk-proj-Aa0Bb1Cc2Dd3Ee4Ff5Gg6Hh7Ii8Jj9Kk0Ll1Mm2Nn3Oo4',
  'sk-ant-api03-ZZyyXXwwVVuuTTssRRqqPPooNNmmLLkk',
  'ghs_16C7e42F292c6912E7710c838347Ae178B4a',
  'fk_9f8e7d6c5b4a3210zyxw',
  'https://app:pw-7c1d2e3f@internal.example.com/api?code=fk_9f8e7d6c5b4a3210zyxw',
];

function side(i) {
  return {
    output: i % 100 === 0 ? `${text(500)} ${SECRETS[0]} ${text(500)}` : text(1024),
    score: rand(),
    pass: rand() > 0.2,
    scores: { exact: 0, rouge_l: rand() },
    reasons: { rouge_l: `rouge_l ${rand().toFixed(3)}` },
    latency_ms: 800 + rand() * 400,
    input_tokens: 120,
    output_tokens: 230,
    cost_usd: 0.0012,
    error:
      i % 10 === 0
        ? { kind: 'http_5xx', message: `target candidate answered 503: ${text(150)}` }
        : null,
    attempts: 1,
  };
}
const report = {
  schema_version: 1,
  decision: 'pass',
  summary: 'pass: every budget held',
  cases: Array.from({ length: CASES }, (_, i) => ({
    id: `case-${i}`,
    slices: { topic: 'billing' },
    source: `golden/cases.jsonl:${i + 1}`,
    input: text(300),
    expected: text(200),
    baseline: side(i),
    candidate: side(i + 1),
  })),
  meta: { warnings: [], fingerprints: { config: 'x'.repeat(64), datasets: {} } },
};

const times = [];
for (let pass = 0; pass < 7; pass++) {
  const copy = structuredClone(report);
  const t0 = process.cpuUsage();
  redactTree(copy, createRedactor(SECRETS));
  const { user, system } = process.cpuUsage(t0);
  times.push((user + system) / 1000);
  if (pass === 0 && !JSON.stringify(copy.cases[0].baseline.output).includes('***'))
    throw new Error('the echoed key was not masked');
}
times.sort((a, b) => a - b);
console.log(
  `redactTree, ${CASES} cases, ${SECRETS.length} secrets: median ${times[3].toFixed(1)} ms CPU ` +
    `(min ${times[0].toFixed(1)}, max ${times[6].toFixed(1)})`,
);

// `npm run bench:scorers`: scoring speed of the text-similarity scorers, through the same
// buildScorer path a run uses. 10,000 cases with 2 KB outputs (seeded pseudo-English with
// punctuation and numbers; the reference is the output with ~30% of its words changed, so the
// LCS and n-gram tables do real work). Target: rouge_l + bleu < 1 s, measured with 2 KB
// references (the worst case: as long as the output); 512 B references, closer to a golden set's
// usual expected answers, are timed too.
import os from 'node:os';
import { importSource } from './from-source.mjs';

const CASES = 10_000;
const BYTES = 2048;

const { buildScorer } = await importSource(
  { 'src/scorers/build.ts': ['buildScorer'] },
  { require: true },
);

// mulberry32: deterministic, so every run scores the same texts.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const syllables = ['ka', 'lo', 'mi', 're', 'tu', 'sa', 'ne', 'vo', 'pri', 'den', 'ul', 'gar'];
const vocab = Array.from({ length: 3000 }, () => {
  let w = '';
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) w += syllables[Math.floor(rand() * syllables.length)];
  return w;
});
// Zipf-like word choice: a few words are common, as in real text.
const word = () => vocab[Math.floor(vocab.length * rand() ** 3)];
function words(bytes) {
  const out = [];
  let len = 0;
  while (len < bytes) {
    let w = word();
    const r = rand();
    if (r < 0.08) w += ',';
    else if (r < 0.14) w += '.';
    else if (r < 0.16) w = String(Math.floor(rand() * 10000));
    else if (r < 0.17) w = `"${w}"`;
    out.push(w);
    len += w.length + 1;
  }
  return out;
}
// Outputs and references reach the scorers through JSON.parse (the HTTP reply, the golden set),
// which yields flat strings; a sliced string would add an indirection to every character read.
const flat = (s) => JSON.parse(JSON.stringify(s));
function makeCases(referenceBytes) {
  return Array.from({ length: CASES }, (_, i) => {
    const output = words(BYTES);
    const reference = output.map((w) => (rand() < 0.3 ? word() : w));
    return {
      output: flat(output.join(' ').slice(0, BYTES)),
      c: {
        id: `c${i}`,
        input: 'q',
        expected: flat(reference.join(' ').slice(0, referenceBytes)),
        tags: [],
        vars: {},
        metadata: {},
        assert: [],
        source: { file: 'bench', line: i + 1 },
      },
    };
  });
}
let cases = makeCases(BYTES);

const REPEATS = 5;

/** Best and median of REPEATS timed passes: the machine is shared, and the minimum is the pass
 *  least disturbed by other processes. */
function time(label, scorers) {
  // One warm-up pass over a slice lets the JIT settle, as it would early in a real run.
  for (const { output, c } of cases.slice(0, 500)) for (const s of scorers) s.score(output, c);
  const walls = [];
  const cpus = [];
  let sum = 0;
  for (let r = 0; r < REPEATS; r++) {
    // CPU time as well as wall time: on a shared runner the wall clock counts other processes.
    const cpu0 = process.cpuUsage();
    const started = performance.now();
    sum = 0;
    for (const { output, c } of cases) for (const s of scorers) sum += s.score(output, c).score;
    walls.push(performance.now() - started);
    const { user, system } = process.cpuUsage(cpu0);
    cpus.push((user + system) / 1000);
  }
  const best = (xs) => Math.min(...xs);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `${label.padEnd(15)} wall best ${best(walls).toFixed(0).padStart(5)} ms (median ${median(walls).toFixed(0).padStart(5)}), ` +
      `CPU best ${best(cpus).toFixed(0).padStart(5)} ms (median ${median(cpus).toFixed(0).padStart(5)}), ` +
      `${((best(walls) * 1000) / CASES).toFixed(1)} µs/case, mean score ${(sum / CASES / scorers.length).toFixed(3)}`,
  );
  return { wall: best(walls), cpu: best(cpus) };
}

const [load1] = os.loadavg();
console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, load average ${load1.toFixed(2)}`,
);
console.log(
  `${CASES} cases, ${BYTES} B output and ${BYTES} B reference each, best of ${REPEATS}\n`,
);
const rouge = buildScorer({ type: 'rouge_l' }, 'rouge_l');
const bleu = buildScorer({ type: 'bleu' }, 'bleu');
time('rouge_l', [rouge]);
time('bleu', [bleu]);
const both = time('rouge_l + bleu', [rouge, bleu]);
cases = makeCases(512);
console.log('\nthe same kind of outputs against 512 B references:');
time('rouge_l + bleu', [rouge, bleu]);
const ok = both.wall < 1000;
console.log(
  `\nrouge_l + bleu, 2 KB against 2 KB: ${ok ? 'under' : 'OVER'} the 1 s target (best wall ${both.wall.toFixed(0)} ms)`,
);
process.exitCode = ok ? 0 : 1;

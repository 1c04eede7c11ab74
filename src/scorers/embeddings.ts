import type { Config } from '../config/schema.js';
import { InputError, type InputProblem } from '../errors.js';
import { createTarget, type SecretSink, type TargetContext } from '../targets/create.js';
import { BadResponseError, type Dialect, parseJson, tokenCount } from '../targets/dialect.js';
import { callTarget, type Target } from '../targets/target.js';
import type { EmbeddingsUsage, GoldenCase } from '../types.js';
import { asText, clip, cutReason, INPUT_LIMITS } from './clip.js';
import type { OutageTracker } from './outage.js';
import { type BoundScorer, ScorerError, ScorerSetupError } from './scorer.js';

type EmbeddingsConfig = NonNullable<Config['embeddings']>;

/** The `embeddings:` endpoint: a target for limits, retries and pricing, plus how to ask it. */
export interface EmbeddingsEndpoint {
  target: Target;
  batchSize: number;
  /** A dialect for one batch: POST {base_url}/embeddings {model, input: [...]}. */
  dialectFor(texts: string[], out: { vectors?: Float32Array[] }): Dialect;
}

const DEFAULT_BATCH = 64;

/** Validates the endpoint like any target (its key above all) before anything is sent. */
export function createEmbeddingsEndpoint(
  cfg: EmbeddingsConfig,
  ctx: TargetContext,
  onSecret?: SecretSink,
): EmbeddingsEndpoint {
  const problems: InputProblem[] = [];
  for (const key of ['prompt', 'system'] as const) {
    if (cfg[key] !== undefined) {
      problems.push({
        file: ctx.configFile,
        path: `embeddings.${key}`,
        message: `an embeddings endpoint takes no ${key}; remove \`${key}\``,
      });
    }
  }
  const { batch_size, ...targetCfg } = cfg;
  let target: Target | undefined;
  try {
    target = createTarget(targetCfg, 'embeddings', ctx, onSecret);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length || !target) throw new InputError(problems);
  // createTarget checked that the variable is set; the chat dialect it built is not used here.
  const apiKey = cfg.api_key_env ? ctx.env[cfg.api_key_env] : undefined;
  const url = new URL(`${cfg.base_url.replace(/\/+$/, '')}/embeddings`);
  const headers: Record<string, string> = { 'content-type': 'application/json', ...cfg.headers };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  return {
    target,
    batchSize: batch_size ?? DEFAULT_BATCH,
    dialectFor(texts, out) {
      return {
        buildRequest: () => ({
          url,
          method: 'POST',
          headers,
          body: JSON.stringify({ model: cfg.model, ...cfg.params, input: texts }),
        }),
        parseReply(body) {
          const json = parseJson(body) as { data?: unknown; usage?: { prompt_tokens?: unknown } };
          out.vectors = readVectors(json?.data, texts.length);
          return {
            output: '',
            input_tokens: tokenCount(json?.usage?.prompt_tokens, 'usage.prompt_tokens'),
            output_tokens: 0,
          };
        },
      };
    },
  };
}

/** `data: [{index, embedding}]` in input order; base64 (encoding_format: base64) is float32. */
function readVectors(data: unknown, expected: number): Float32Array[] {
  if (!Array.isArray(data)) throw new BadResponseError('the reply has no data array');
  if (data.length !== expected) {
    throw new BadResponseError(`the reply has ${data.length} embeddings for ${expected} inputs`);
  }
  const out: Float32Array[] = new Array(expected);
  data.forEach((item: { index?: unknown; embedding?: unknown }, i) => {
    const at = typeof item?.index === 'number' ? item.index : i;
    const e = item?.embedding;
    let v: Float32Array | undefined;
    if (typeof e === 'string') {
      const buf = Buffer.from(e, 'base64');
      // float32s are 4 bytes each: anything else is not a vector (and Float32Array would throw).
      if (buf.byteLength % 4 === 0)
        v = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    } else if (Array.isArray(e) && e.every((x) => typeof x === 'number')) {
      v = Float32Array.from(e as number[]);
    }
    // base64 can encode NaN and infinities, which would make every similarity NaN.
    if (!v || v.length === 0 || !v.every(Number.isFinite))
      throw new BadResponseError(`data[${i}].embedding is not a vector of finite numbers`);
    if (!Number.isInteger(at) || at < 0 || at >= expected || out[at])
      throw new BadResponseError(`data[${i}].index is wrong`);
    out[at] = v;
  });
  return out;
}

export interface EmbeddingClient {
  /** The vector of a text. `keep`: a reference text, embedded once per run and then cached. */
  embed(text: string, keep: boolean): Promise<Float32Array>;
  usage(): EmbeddingsUsage;
}

interface Pending {
  text: string;
  resolve(v: Float32Array): void;
  reject(err: unknown): void;
}

/**
 * Embeds texts in batches. Requests made in the same tick go out together, and while every slot
 * of the endpoint's concurrency is busy the queue keeps growing, so batches get larger exactly
 * when the endpoint is the bottleneck. Reference texts are cached for the run (each expected
 * answer is embedded once, however many sides and scorers use it); outputs only share a request
 * in flight, since they are rarely seen twice and 10,000 cached vectors would cost ~60 MB.
 */
export function createEmbeddingClient(
  endpoint: EmbeddingsEndpoint,
  outage: OutageTracker,
  signal?: AbortSignal,
): EmbeddingClient {
  const { target, batchSize } = endpoint;
  const kept = new Map<string, Promise<Float32Array>>();
  const inFlight = new Map<string, Promise<Float32Array>>();
  const queue: Pending[] = [];
  const total: EmbeddingsUsage = { calls: 0, texts: 0, input_tokens: 0, cost_usd: 0, errors: 0 };
  let active = 0;
  let scheduled = false;
  // callTarget wants a case; the batch's texts travel in the per-batch dialect instead.
  const batchCase: GoldenCase = {
    id: 'embeddings',
    input: '',
    tags: [],
    vars: {},
    metadata: {},
    assert: [],
    source: { file: '', line: 0 },
  };

  async function send(batch: Pending[]): Promise<void> {
    const out: { vectors?: Float32Array[] } = {};
    const texts = batch.map((p) => p.text);
    const ticket = outage.sent();
    const call = await callTarget(
      { ...target, dialect: endpoint.dialectFor(texts, out) },
      batchCase,
      signal,
    );
    total.calls++;
    total.input_tokens += call.input_tokens;
    total.cost_usd += call.cost_usd;
    if (call.error || !out.vectors) {
      total.errors++;
      const message = call.error?.message ?? 'no vectors';
      // A call the run's cancel cut short says nothing of the endpoint's health: it ends a run
      // of failures as any answer does, and is never one.
      if (call.error?.kind === 'aborted') outage.succeeded(ticket);
      else outage.failed(ticket, message);
      const err = new ScorerError(
        'judge',
        `the embeddings endpoint (${target.label}) failed: ${message}`,
      );
      for (const p of batch) p.reject(err);
      return;
    }
    outage.succeeded(ticket);
    total.texts += texts.length;
    for (const [i, p] of batch.entries()) p.resolve(out.vectors![i]!);
  }

  function pump(): void {
    scheduled = false;
    while (active < target.concurrency && queue.length > 0) {
      const batch = queue.splice(0, batchSize);
      active++;
      void send(batch).finally(() => {
        active--;
        pump();
      });
    }
  }

  function request(text: string): Promise<Float32Array> {
    return new Promise<Float32Array>((resolve, reject) => {
      queue.push({ text, resolve, reject });
      if (!scheduled && active < target.concurrency) {
        scheduled = true;
        setImmediate(pump);
      }
    });
  }

  return {
    embed(text, keep) {
      // An output that equals a reference (a label, a short answer) shares its request.
      let p = kept.get(text) ?? inFlight.get(text);
      if (!p) {
        const mine = request(text);
        p = mine;
        inFlight.set(text, mine);
        const settled = () => {
          if (inFlight.get(text) === mine) inFlight.delete(text);
        };
        mine.then(settled, settled);
      }
      if (keep && !kept.has(text)) {
        const mine = p;
        kept.set(text, mine);
        // A failed reference is forgotten so that a later case can try again.
        mine.catch(() => {
          if (kept.get(text) === mine) kept.delete(text);
        });
      }
      return p;
    },
    usage: () => ({ ...total }),
  };
}

/** Cosine similarity, clamped to 0..1 (opposite meaning is as wrong as unrelated). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) {
    throw new ScorerError(
      'judge',
      `the embeddings have different sizes (${a.length} and ${b.length})`,
    );
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  // No text embeds to nothing: an all-zero vector is the endpoint's failure, not an unrelated
  // answer (a silent 0 would read as a wrong one).
  if (na === 0 || nb === 0) {
    throw new ScorerError('judge', 'the embeddings endpoint returned an all-zero vector');
  }
  return Math.min(1, Math.max(0, dot / Math.sqrt(na * nb)));
}

/** embedding_similarity: the best cosine between the output and the value(s). */
export function embeddingScorer(client: EmbeddingClient | undefined): BoundScorer {
  if (!client) {
    throw new ScorerSetupError(
      '',
      'embedding_similarity needs an `embeddings:` endpoint in the config',
    );
  }
  const refsOf = (value: unknown) => (Array.isArray(value) ? value : [value]).map(asText);
  return {
    check(value) {
      return refsOf(value).some((t) => t.trim() === '')
        ? 'the value to compare with is empty (an embeddings API rejects empty input)'
        : undefined;
    },
    async score(output, value) {
      // The API rejects empty input, and an empty answer is not similar to anything.
      if (output.trim() === '') return { score: 0, reason: 'the output is empty' };
      const refs = refsOf(value);
      // Past the model's input limit the endpoint would refuse the text: embed its start.
      const max = INPUT_LIMITS.embedding_similarity;
      const longest = Math.max(0, ...refs.map((t) => t.length));
      const [out, ...vecs] = await Promise.all([
        client.embed(clip(output, max), false),
        ...refs.map((t) => client.embed(clip(t, max), true)),
      ]);
      const score = Math.max(0, ...vecs.map((v) => cosine(out!, v)));
      return output.length > max || longest > max
        ? { score, reason: cutReason(max, output.length, longest) }
        : { score };
    },
  };
}

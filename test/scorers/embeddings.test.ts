import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { InputError, type RunAbortedError } from '../../src/errors.js';
import { buildScorer, scorerContext } from '../../src/scorers/build.js';
import {
  cosine,
  createEmbeddingClient,
  createEmbeddingsEndpoint,
  type EmbeddingsEndpoint,
} from '../../src/scorers/embeddings.js';
import { OutageTracker } from '../../src/scorers/outage.js';
import { scoreCall } from '../../src/scorers/score-case.js';
import type { TargetContext } from '../../src/targets/create.js';
import { answered } from '../helpers/call-result.js';
import { goldenCase } from '../helpers/golden-case.js';
import { type Loopback, type Received, sendJson, startLoopback } from '../helpers/loopback.js';

type EmbeddingsConfig = NonNullable<Config['embeddings']>;

const KEY = 'sk-embed-secret';
const ctx: TargetContext = {
  configFile: 'evalgate.yaml',
  configDir: process.cwd(),
  env: { EMBED_KEY: KEY },
  defaults: { concurrency: 4, timeoutMs: 5000, retries: 2, backoffBaseMs: 1 },
};

// Fixed vectors, so every cosine is known: cat·kitten = 0.6, cat·dog = 0, cat·anti-cat = -1.
const VECTORS: Record<string, number[]> = {
  cat: [1, 0],
  kitten: [0.6, 0.8],
  dog: [0, 1],
  'anti-cat': [-1, 0],
  'Кошка 🐈': [0.8, 0.6],
};
const vectorOf = (t: string) => VECTORS[t] ?? [t.length % 7, 1];

type Handler = (inputs: string[], n: number, req: Received, res: http.ServerResponse) => void;

const ok: Handler = (inputs, _n, _req, res) =>
  sendJson(res, {
    object: 'list',
    data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: vectorOf(t) })),
    usage: { prompt_tokens: inputs.length * 3, total_tokens: inputs.length * 3 },
  });

const open: { close(): unknown }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) await o.close();
});

async function setup(
  handler: Handler = ok,
  extra: Partial<EmbeddingsConfig> = {},
  limit = 5,
  onOutage: (e: RunAbortedError) => void = () => {},
) {
  const inputs: string[][] = [];
  const server: Loopback = await startLoopback((req, res, n) => {
    const body = JSON.parse(req.body) as { input: string[] };
    inputs.push(body.input);
    handler(body.input, n, req, res);
  });
  open.push(server);
  const endpoint: EmbeddingsEndpoint = createEmbeddingsEndpoint(
    {
      type: 'openai',
      base_url: `${server.url}/v1`,
      model: 'embed-small',
      api_key_env: 'EMBED_KEY',
      price: { input_per_mtok: 0.02, output_per_mtok: 0 },
      ...extra,
    } as EmbeddingsConfig,
    ctx,
  );
  open.push(endpoint.target.transport);
  const client = createEmbeddingClient(
    endpoint,
    new OutageTracker('embeddings', limit, endpoint.target.concurrency, onOutage),
  );
  const scorer = buildScorer(
    { type: 'embedding_similarity' },
    'similar',
    scorerContext({ embeddings: client }),
  );
  return { server, inputs, client, scorer };
}

const call = answered;

describe('embedding_similarity', () => {
  it('posts {model, input} to {base_url}/embeddings and scores the cosine', async () => {
    const { server, scorer, client } = await setup(ok, { params: { dimensions: 2 } });
    const r = await scorer.score('cat', goldenCase({ expected: 'kitten' }));
    expect(r).toEqual({ score: expect.closeTo(0.6, 6) });
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/embeddings');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(req.body)).toEqual({
      model: 'embed-small',
      dimensions: 2,
      input: ['cat', 'kitten'],
    });
    expect(client.usage()).toEqual({
      calls: 1,
      texts: 2,
      input_tokens: 6,
      cost_usd: (6 * 0.02) / 1e6,
      errors: 0,
    });
  });

  it.each([
    ['orthogonal', 'cat', 'dog', 0],
    ['opposite, clamped to 0', 'cat', 'anti-cat', 0],
    ['identical', 'cat', 'cat', 1],
    ['the best of a list', 'cat', ['dog', 'kitten'], 0.6],
    ['unicode text', 'Кошка 🐈', 'cat', 0.8],
  ])('%s', async (_label, output, expected, want) => {
    const { scorer } = await setup();
    expect(
      ((await scorer.score(output, goldenCase({ expected }))) as { score: number }).score,
    ).toBeCloseTo(want, 6);
  });

  it('scores an empty output 0 without asking the endpoint', async () => {
    const { server, scorer } = await setup();
    expect(await scorer.score('  ', goldenCase({ expected: 'cat' }))).toEqual({
      score: 0,
      reason: 'the output is empty',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('sends a 100 KB output as it is', async () => {
    const { inputs, scorer } = await setup();
    const big = 'purr '.repeat(21_000);
    await scorer.score(big, goldenCase({ expected: 'cat' }));
    expect(inputs[0]![0]).toBe(big);
  });

  it('batches texts requested together and embeds the expected side once', async () => {
    const { inputs, scorer } = await setup(ok, { batch_size: 4 });
    const c = goldenCase({ expected: 'kitten' });
    const outputs = Array.from({ length: 10 }, (_, i) => `answer ${i}`);
    await Promise.all(outputs.map((o) => scorer.score(o, c)));
    expect(inputs.map((b) => b.length)).toEqual([4, 4, 3]);
    expect(inputs.flat().filter((t) => t === 'kitten')).toHaveLength(1);
    // Later cases with the same expected text reuse its vector; outputs are embedded anew.
    await scorer.score('answer 0', c);
    expect(inputs.at(-1)).toEqual(['answer 0']);
  });

  it('shares one request between an output and a reference with the same text', async () => {
    const { inputs, scorer } = await setup();
    await Promise.all([
      scorer.score('negative', goldenCase({ expected: 'negative' })),
      scorer.score('positive', goldenCase({ expected: 'negative' })),
    ]);
    expect(inputs).toEqual([['negative', 'positive']]);
  });

  it('grows batches while the endpoint is busy', async () => {
    let release: () => void = () => {};
    const first = new Promise<void>((r) => {
      release = r;
    });
    let arrived: () => void = () => {};
    const firstArrived = new Promise<void>((r) => {
      arrived = r;
    });
    const { inputs, scorer } = await setup(
      (texts, n, req, res) => {
        if (n === 1) {
          arrived();
          void first.then(() => ok(texts, n, req, res));
        } else ok(texts, n, req, res);
      },
      { concurrency: 1 },
    );
    const c = goldenCase({ expected: 'kitten' });
    const a = scorer.score('a', c);
    await firstArrived;
    const rest = ['b', 'c', 'd'].map((o) => scorer.score(o, c));
    release();
    await Promise.all([a, ...rest]);
    expect(inputs).toEqual([
      ['a', 'kitten'],
      ['b', 'c', 'd'],
    ]);
  });

  it('reads base64 float32 vectors (encoding_format: base64)', async () => {
    const b64 = (v: number[]) => Buffer.from(new Float32Array(v).buffer).toString('base64');
    const { scorer } = await setup((texts, _n, _req, res) =>
      sendJson(res, { data: texts.map((t, index) => ({ index, embedding: b64(vectorOf(t)) })) }),
    );
    expect(
      ((await scorer.score('cat', goldenCase({ expected: 'kitten' }))) as { score: number }).score,
    ).toBeCloseTo(0.6, 6);
  });

  it.each([
    ['base64 whose length is not a whole number of float32s', 'AAAAAAA='],
    ['base64 of a NaN', Buffer.from(new Float32Array([Number.NaN, 1]).buffer).toString('base64')],
    [
      'an infinity',
      Buffer.from(new Float32Array([Number.POSITIVE_INFINITY]).buffer).toString('base64'),
    ],
  ])('refuses %s as a malformed reply, not an internal error', async (_, embedding) => {
    const { scorer } = await setup((texts, _n, _req, res) =>
      sendJson(res, { data: texts.map((_t, index) => ({ index, embedding })) }),
    );
    const r = await scoreCall(call('one'), goldenCase({ expected: 'cat' }), [scorer]);
    expect(r.error).toEqual({
      kind: 'judge',
      message:
        'scorer "similar" failed: the embeddings endpoint (embed-small) failed: target embeddings: data[0].embedding is not a vector of finite numbers',
    });
  });

  it('refuses an index that is not a whole number', async () => {
    const { scorer } = await setup((texts, _n, _req, res) =>
      sendJson(res, { data: texts.map((t, i) => ({ index: i + 0.5, embedding: vectorOf(t) })) }),
    );
    const r = await scoreCall(call('one'), goldenCase({ expected: 'cat' }), [scorer]);
    expect(r.error?.message).toMatch(/data\[0\]\.index is wrong$/);
  });

  it('puts vectors back in input order when the reply is shuffled', async () => {
    const { scorer } = await setup((texts, _n, _req, res) =>
      sendJson(res, {
        data: texts.map((t, index) => ({ index, embedding: vectorOf(t) })).reverse(),
      }),
    );
    expect(
      ((await scorer.score('cat', goldenCase({ expected: 'kitten' }))) as { score: number }).score,
    ).toBeCloseTo(0.6, 6);
  });

  it('retries a 500 and succeeds', async () => {
    const { server, scorer } = await setup((texts, n, req, res) =>
      n === 1 ? sendJson(res, { error: 'busy' }, 500) : ok(texts, n, req, res),
    );
    expect(
      ((await scorer.score('cat', goldenCase({ expected: 'cat' }))) as { score: number }).score,
    ).toBeCloseTo(1, 6);
    expect(server.requests).toHaveLength(2);
  });

  it('turns a malformed reply, after retries, into an error of kind judge on every case of the batch', async () => {
    const { server, scorer, client } = await setup((_texts, _n, _req, res) =>
      sendJson(res, { data: [{ index: 0, embedding: [1, 0] }] }),
    );
    const [x, y] = await Promise.all([
      scoreCall(call('one'), goldenCase({ expected: 'cat' }), [scorer]),
      scoreCall(call('two'), goldenCase({ expected: 'cat' }), [scorer]),
    ]);
    expect(server.requests).toHaveLength(3); // one batch, retries: 2
    for (const r of [x, y]) {
      expect(r.error).toEqual({
        kind: 'judge',
        message:
          'scorer "similar" failed: the embeddings endpoint (embed-small) failed: target embeddings: the reply has 1 embeddings for 3 inputs',
      });
      expect(r).toMatchObject({ score: 0, pass: false });
    }
    expect(client.usage()).toMatchObject({ calls: 1, errors: 1, texts: 0 });
    // The failed reference is not cached: the next case asks for it again.
    await scoreCall(call('three'), goldenCase({ expected: 'cat' }), [scorer]);
    expect(JSON.parse(server.requests.at(-1)!.body).input).toEqual(['three', 'cat']);
  });

  it('reports an outage after max_consecutive_errors failed batches', async () => {
    // At concurrency 1 the window is max(max_consecutive_errors, 2): one failed batch is not
    // yet an outage even with the limit at 1, two in a row are.
    const outages: RunAbortedError[] = [];
    const { scorer } = await setup(
      (_t, _n, _r, res) => sendJson(res, { error: 'down' }, 503),
      { concurrency: 1 },
      1,
      (e) => outages.push(e),
    );
    for (const expected of [0, 1]) {
      await expect(
        Promise.resolve(scorer.score('x', goldenCase({ expected: 'cat' }))),
      ).rejects.toMatchObject({ kind: 'judge' });
      expect(outages).toHaveLength(expected);
    }
    expect(outages[0]?.message).toMatch(/2 embeddings calls in a row failed after retries/);
  });

  it('checks before sending that the value is not empty', async () => {
    const { scorer } = await setup();
    expect(scorer.check(goldenCase({ expected: '' }))).toBe(
      'scorer "similar": the value to compare with is empty (an embeddings API rejects empty input)',
    );
    expect(scorer.check(goldenCase({ expected: undefined }))).toBe(
      'scorer "similar" needs a `value` or the case\'s `expected`',
    );
  });
});

describe('the embeddings endpoint config', () => {
  it('refuses a prompt and an unset key as bad input, naming the fields', () => {
    try {
      createEmbeddingsEndpoint(
        {
          type: 'openai',
          base_url: 'http://127.0.0.1:9/v1',
          model: 'e',
          api_key_env: 'NOPE',
          prompt: 'x',
        } as EmbeddingsConfig,
        ctx,
      );
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).problems.map((p) => p.path)).toEqual([
        'embeddings.prompt',
        'embeddings.api_key_env',
      ]);
    }
  });

  it('needs an embeddings endpoint for embedding_similarity', () => {
    expect(() => buildScorer({ type: 'embedding_similarity' }, 's')).toThrow(
      'embedding_similarity needs an `embeddings:` endpoint in the config',
    );
  });

  it('computes cosine on float32 vectors and refuses mismatched sizes and all-zero vectors', () => {
    expect(cosine(Float32Array.of(3, 4), Float32Array.of(4, 3))).toBeCloseTo(24 / 25, 6);
    // No text embeds to nothing: the endpoint failed, which a silent 0 would hide.
    expect(() => cosine(Float32Array.of(0, 0), Float32Array.of(1, 0))).toThrow(/all-zero vector/);
    expect(() => cosine(Float32Array.of(1), Float32Array.of(1, 2))).toThrow(/different sizes/);
  });
});

import { describe, expect, it } from 'vitest';
import { type TargetConfig, targetSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/errors.js';
import { createEmbeddingsEndpoint } from '../../src/scorers/embeddings.js';
import { createJudgeTarget } from '../../src/scorers/judge.js';
import { createTarget, type TargetContext } from '../../src/targets/create.js';
import { goldenCase } from '../helpers/golden-case.js';

const ctx = (env: NodeJS.ProcessEnv = {}): TargetContext => ({
  configFile: 'evals/evalgate.yaml',
  configDir: '/nonexistent',
  env,
  defaults: { concurrency: 8, timeoutMs: 1000, retries: 3, backoffBaseMs: 10 },
});

function problemsOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as InputError).problems;
  }
  throw new Error('expected an InputError');
}

describe('createTarget', () => {
  it('reads the key named by api_key_env, hands it to the secret sink, and applies defaults', () => {
    const secrets: string[] = [];
    const cfg: TargetConfig = {
      type: 'anthropic',
      base_url: 'http://a.test',
      model: 'claude-x',
      api_key_env: 'MY_KEY',
      concurrency: 3,
    };
    const t = createTarget(cfg, 'candidate', ctx({ MY_KEY: 'secret-1' }), (s) => secrets.push(s));
    expect(secrets).toEqual(['secret-1']);
    expect(t).toMatchObject({
      role: 'candidate',
      label: 'claude-x',
      concurrency: 3,
      timeoutMs: 1000,
      retries: 3,
      backoffBaseMs: 10,
    });
    expect(t.dialect.buildRequest(goldenCase()).headers['x-api-key']).toBe('secret-1');
    t.transport.close();
  });

  it('hands run.max_response_bytes and stream_idle_timeout_ms to every endpoint it builds', () => {
    const limits = { maxResponseBytes: 5000, streamIdleTimeoutMs: 700 };
    const withLimits = { ...ctx({ K: 'k' }), defaults: { ...ctx().defaults, ...limits } };
    const chat = { type: 'openai', base_url: 'http://o.test/v1', model: 'm', api_key_env: 'K' };
    const built = [
      createTarget(chat as TargetConfig, 'candidate', withLimits),
      createTarget({ type: 'http', url: 'http://a.test/x', output: 'a' }, 'baseline', withLimits),
      createJudgeTarget(chat as Parameters<typeof createJudgeTarget>[0], withLimits),
      createEmbeddingsEndpoint(chat as Parameters<typeof createEmbeddingsEndpoint>[0], withLimits)
        .target,
    ];
    for (const t of built) {
      expect(t).toMatchObject(limits);
      t.transport.close();
    }
  });

  it('labels an http target by its host', () => {
    const cfg: TargetConfig = {
      type: 'http',
      url: 'http://app.internal:9000/ask',
      output: 'answer',
      timeout_ms: 50,
    };
    const t = createTarget(cfg, 'baseline', ctx());
    expect(t).toMatchObject({ label: 'app.internal:9000', timeoutMs: 50, concurrency: 8 });
    t.transport.close();
  });

  it('lists every problem at once: unset key variable, missing prompt file, stream in params', () => {
    // Streaming is supported now; asking for it through params (where the reader would not know
    // to read a stream) is the mistake left to report.
    const cfg: TargetConfig = {
      type: 'openai',
      base_url: 'http://o.test/v1',
      model: 'm',
      api_key_env: 'UNSET_VAR',
      prompt: { file: 'prompts/missing.md' },
      params: { stream: true },
      stream: true,
    };
    const problems = problemsOf(() => createTarget(cfg, 'candidate', ctx()));
    expect(problems.map((p) => p.path)).toEqual([
      'targets.candidate.api_key_env',
      'targets.candidate.prompt.file',
      'targets.candidate.params.stream',
    ]);
    expect(problems[0]!.message).toBe(
      'environment variable UNSET_VAR is not set (it should hold the API key)',
    );
    expect(problems.every((p) => p.file === 'evals/evalgate.yaml')).toBe(true);
  });

  it('names the judge by its own field path', () => {
    const cfg: TargetConfig = {
      type: 'openai',
      base_url: 'http://o.test/v1',
      model: 'm',
      api_key_env: 'NOPE',
    };
    expect(problemsOf(() => createTarget(cfg, 'judge', ctx()))[0]!.path).toBe('judge.api_key_env');
  });
});

describe('createTarget: streaming, key headers and GET', () => {
  it('gives a streaming target a stream decoder, and a plain one none', () => {
    const base = { type: 'openai', base_url: 'http://o.test/v1', model: 'm' } as const;
    const streaming = createTarget({ ...base, stream: true }, 'candidate', ctx());
    const plain = createTarget(base, 'baseline', ctx());
    expect(streaming.dialect.openStream).toBeTypeOf('function');
    expect(plain.dialect.openStream).toBeUndefined();
    const anthropic = createTarget(
      { type: 'anthropic', base_url: 'http://a.test', model: 'c', stream: true },
      'candidate',
      ctx(),
    );
    expect(JSON.parse(anthropic.dialect.buildRequest(goldenCase()).body!).stream).toBe(true);
    for (const t of [streaming, plain, anthropic]) t.transport.close();
  });

  it('passes api_version and key_header through to the request', () => {
    const t = createTarget(
      {
        type: 'openai',
        base_url: 'https://r.openai.azure.com/openai/deployments/d',
        model: 'd',
        api_key_env: 'AZ',
        api_version: '2024-10-21',
        key_header: 'api-key',
      },
      'candidate',
      ctx({ AZ: 'az-secret' }),
    );
    const req = t.dialect.buildRequest(goldenCase());
    expect(req.url.search).toBe('?api-version=2024-10-21');
    expect(req.headers['api-key']).toBe('az-secret');
    expect(req.headers).not.toHaveProperty('authorization');
    t.transport.close();
  });

  it('accepts a GET whose url carries the case, and rejects one that would not send it', () => {
    const get = (extra: object) =>
      ({ type: 'http', method: 'GET', output: 'answer', ...extra }) as TargetConfig;
    const ok = createTarget(get({ url: 'http://app/ask?q={{input}}' }), 'candidate', ctx());
    expect(ok.dialect.buildRequest(goldenCase({ input: 'a b' })).url.search).toBe('?q=a%20b');
    expect(ok.label).toBe('app');
    ok.transport.close();

    const bare = problemsOf(() => createTarget(get({ url: 'http://app/ask' }), 'candidate', ctx()));
    expect(bare).toEqual([
      {
        file: 'evals/evalgate.yaml',
        path: 'targets.candidate.url',
        message:
          'with method GET the case must be in the url (values are URL-encoded), e.g. ?q={{input}}',
      },
    ]);
    const withBody = problemsOf(() =>
      createTarget(get({ url: 'http://app/ask?q={{input}}', body: { q: 'x' } }), 'baseline', ctx()),
    );
    expect(withBody.map((p) => p.path)).toEqual(['targets.baseline.body']);
  });
});

describe('target schema: the keys this version adds', () => {
  const parse = (t: object) => targetSchema.safeParse(t);
  const llm = { type: 'openai', base_url: 'http://o.test/v1', model: 'm' };

  it('accepts api_version and key_header on openai and anthropic, key_header on http', () => {
    expect(parse({ ...llm, api_version: '2024-10-21', key_header: 'api-key' }).success).toBe(true);
    expect(parse({ ...llm, type: 'anthropic', api_version: '2023-06-01' }).success).toBe(true);
    expect(
      parse({ type: 'http', url: 'http://a/x?q={{input}}', output: 'a', key_header: 'x-key' })
        .success,
    ).toBe(true);
  });

  it('rejects a key_header that is not a header name, and api_version on http', () => {
    const bad = parse({ ...llm, key_header: 'api key:' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['key_header'],
      message: 'must be an HTTP header name such as api-key',
    });
    expect(parse({ type: 'http', url: 'http://a/x', output: 'a', api_version: '1' }).success).toBe(
      false,
    );
  });
});

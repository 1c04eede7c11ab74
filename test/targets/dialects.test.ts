import { describe, expect, it } from 'vitest';
import { anthropicDialect } from '../../src/targets/anthropic.js';
import { BadResponseError } from '../../src/targets/dialect.js';
import { httpAppDialect, MAX_OUTPUT_DEPTH } from '../../src/targets/http-app.js';
import { openAiDialect } from '../../src/targets/openai.js';
import { TemplateError } from '../../src/targets/template.js';
import { goldenCase } from '../helpers/golden-case.js';

const body = (b: string | undefined) => JSON.parse(b ?? 'null') as Record<string, unknown>;

describe('openai dialect', () => {
  const dialect = openAiDialect({
    baseUrl: 'http://llm.local:8080/v1/',
    model: 'gpt-test',
    apiKey: 'sk-abc',
    headers: { 'x-team': 'qa' },
    params: { temperature: 0, max_tokens: 64 },
    templates: {
      prompt: 'Answer briefly.\n\n{{input}}',
      system: 'You help with {{vars.product}}.',
    },
  });

  it('posts model, params and templated messages to {base_url}/chat/completions with a bearer key', () => {
    const req = dialect.buildRequest(
      goldenCase({ input: 'Can I get a refund?', vars: { product: 'Acme' } }),
    );
    expect(req.url.href).toBe('http://llm.local:8080/v1/chat/completions');
    expect(req.method).toBe('POST');
    expect(req.headers).toEqual({
      'content-type': 'application/json',
      'x-team': 'qa',
      authorization: 'Bearer sk-abc',
    });
    expect(body(req.body)).toEqual({
      model: 'gpt-test',
      temperature: 0,
      max_tokens: 64,
      messages: [
        { role: 'system', content: 'You help with Acme.' },
        { role: 'user', content: 'Answer briefly.\n\nCan I get a refund?' },
      ],
    });
  });

  it('sends a chat-array input as it is, templating only the last user turn', () => {
    const req = dialect.buildRequest(
      goldenCase({
        vars: { product: 'Acme' },
        input: [
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'second' },
        ],
      }),
    );
    expect(body(req.body).messages).toEqual([
      { role: 'system', content: 'You help with Acme.' },
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'Answer briefly.\n\nsecond' },
    ]);
  });

  it('sends no authorization header without a key, and the input alone without a prompt', () => {
    const bare = openAiDialect({ baseUrl: 'http://h/v1', model: 'm', templates: {} });
    const req = bare.buildRequest(goldenCase({ input: 'hi' }));
    expect(req.headers).not.toHaveProperty('authorization');
    expect(body(req.body)).toEqual({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
  });

  it.each([
    ['a string', 'Paris', 'Paris'],
    ['null (a refusal or tool call)', null, ''],
    [
      'an array of text parts',
      [{ type: 'text', text: 'Par' }, { type: 'text', text: 'is' }, { type: 'image_url' }],
      'Paris',
    ],
  ])('reads content given as %s', (_label, content, output) => {
    const reply = dialect.parseReply(
      JSON.stringify({
        choices: [{ message: { content } }],
        usage: { prompt_tokens: 20, completion_tokens: 2 },
      }),
    );
    expect(reply).toEqual({ output, input_tokens: 20, output_tokens: 2 });
  });

  it('counts missing usage as zero tokens', () => {
    for (const usage of [undefined, null, {}, { prompt_tokens: null }]) {
      const reply = dialect.parseReply(
        JSON.stringify({ choices: [{ message: { content: 'x' } }], usage }),
      );
      expect(reply).toEqual({ output: 'x', input_tokens: 0, output_tokens: 0 });
    }
  });

  it.each([
    ['1e308', 1e308, /usage\.prompt_tokens is 1e\+308/],
    ['past 1e9', 1e9 + 1, /usage\.prompt_tokens is 1000000001/],
    ['negative', -1, /usage\.prompt_tokens is -1/],
    ['fractional', 2.5, /usage\.prompt_tokens is 2\.5/],
    ['a string', '7', /usage\.prompt_tokens is the string "7"/],
    ['an object', { n: 1 }, /usage\.prompt_tokens is an object/],
    ['a list', [1], /usage\.prompt_tokens is a list/],
  ])('refuses a token count that is %s as implausible usage', (_label, count, message) => {
    const text = JSON.stringify({
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: count, completion_tokens: 1 },
    });
    expect(() => dialect.parseReply(text)).toThrow(BadResponseError);
    expect(() => dialect.parseReply(text)).toThrow(/^implausible usage: /);
    expect(() => dialect.parseReply(text)).toThrow(message);
  });

  it('takes a count of exactly 1e9 tokens', () => {
    const text = JSON.stringify({
      choices: [{ message: { content: 'x' } }],
      usage: { prompt_tokens: 1e9, completion_tokens: 0 },
    });
    expect(dialect.parseReply(text)).toMatchObject({ input_tokens: 1e9, output_tokens: 0 });
  });

  it.each([
    [
      'HTML from a proxy',
      '<html><body>502 Bad Gateway</body></html>',
      /not JSON.*<html><body>502 Bad Gateway/,
    ],
    ['truncated JSON', '{"choices": [', /not JSON/],
    ['JSON without choices', '{"error": "nope"}', /no choices\[0\]\.message\.content/],
    ['an empty choices list', '{"choices": []}', /no choices/],
    ['content that is a number', '{"choices": [{"message": {"content": 5}}]}', /no choices/],
    ['JSON null', 'null', /no choices/],
  ])('rejects %s with BadResponseError', (_label, text, message) => {
    expect(() => dialect.parseReply(text)).toThrow(BadResponseError);
    expect(() => dialect.parseReply(text)).toThrow(message);
  });
});

describe('anthropic dialect', () => {
  const dialect = anthropicDialect({
    baseUrl: 'https://api.anthropic.test/',
    model: 'claude-test',
    apiKey: 'ak-123',
    params: { temperature: 0.2 },
    templates: { system: 'Be terse.', prompt: 'Q: {{input}}' },
  });

  it('posts to {base_url}/v1/messages with x-api-key and anthropic-version, system outside messages', () => {
    const req = dialect.buildRequest(goldenCase({ input: 'Why?' }));
    expect(req.url.href).toBe('https://api.anthropic.test/v1/messages');
    expect(req.method).toBe('POST');
    expect(req.headers).toEqual({
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      'x-api-key': 'ak-123',
    });
    expect(req.headers).not.toHaveProperty('authorization');
    expect(body(req.body)).toEqual({
      model: 'claude-test',
      max_tokens: 1024,
      temperature: 0.2,
      system: 'Be terse.',
      messages: [{ role: 'user', content: 'Q: Why?' }],
    });
  });

  it('moves system turns of a chat input into `system`, and lets params override max_tokens', () => {
    const d = anthropicDialect({
      baseUrl: 'http://a',
      model: 'c',
      params: { max_tokens: 50 },
      templates: {},
    });
    const req = d.buildRequest(
      goldenCase({
        input: [
          { role: 'system', content: 'Rule one.' },
          { role: 'system', content: 'Rule two.' },
          { role: 'user', content: 'go' },
        ],
      }),
    );
    expect(body(req.body)).toEqual({
      model: 'c',
      max_tokens: 50,
      system: 'Rule one.\n\nRule two.',
      messages: [{ role: 'user', content: 'go' }],
    });
    expect(req.headers).not.toHaveProperty('x-api-key');
  });

  it('omits `system` when there is none', () => {
    const d = anthropicDialect({ baseUrl: 'http://a', model: 'c', templates: {} });
    expect(body(d.buildRequest(goldenCase()).body)).not.toHaveProperty('system');
  });

  it('joins the text blocks, records tool_use blocks as tool calls, skips thinking', () => {
    const reply = dialect.parseReply(
      JSON.stringify({
        content: [
          { type: 'thinking', thinking: 'hmm' },
          { type: 'text', text: 'Hello, ' },
          { type: 'tool_use', id: 't', name: 'f', input: {} },
          { type: 'text', text: 'world' },
        ],
        usage: { input_tokens: 31, output_tokens: 4 },
      }),
    );
    expect(reply).toEqual({
      output: 'Hello, world',
      input_tokens: 31,
      output_tokens: 4,
      tool_calls: [{ name: 'f', arguments: {}, id: 't' }],
    });
  });

  it.each([
    ['an error object', '{"type":"error","error":{"type":"overloaded_error"}}'],
    ['content that is a string', '{"content":"hi"}'],
    ['not JSON', 'Service Unavailable'],
  ])('rejects %s with BadResponseError', (_label, text) => {
    expect(() => dialect.parseReply(text)).toThrow(BadResponseError);
  });
});

describe('http (own app) dialect', () => {
  it('templates every string of the body and posts it with a bearer key', () => {
    const d = httpAppDialect({
      url: 'http://app.local/api/ask?v=2',
      method: 'POST',
      apiKey: 'app-key',
      headers: { 'x-tenant': 't1' },
      body: {
        question: '{{input}}',
        context: { plan: 'plan={{vars.plan}}', lang: '{{metadata.lang}}' },
        k: 3,
        flags: ['{{id}}', true],
      },
      output: 'result.text',
    });
    const req = d.buildRequest(
      goldenCase({ id: 'c9', input: 'Refund?', vars: { plan: 'pro' }, metadata: { lang: 'en' } }),
    );
    expect(req.url.href).toBe('http://app.local/api/ask?v=2');
    expect(req.method).toBe('POST');
    expect(req.headers).toEqual({
      'content-type': 'application/json',
      'x-tenant': 't1',
      authorization: 'Bearer app-key',
    });
    expect(body(req.body)).toEqual({
      question: 'Refund?',
      context: { plan: 'plan=pro', lang: 'en' },
      k: 3,
      flags: ['c9', true],
    });
  });

  it('puts a chat-array input in place of a bare {{input}} placeholder, as JSON rather than text', () => {
    const d = httpAppDialect({
      url: 'http://app/x',
      method: 'PUT',
      body: { messages: '{{ input }}' },
      output: 'a',
    });
    const input = [{ role: 'user', content: 'hi' }];
    expect(body(d.buildRequest(goldenCase({ input })).body)).toEqual({ messages: input });
  });

  it('defaults the body to {input} and sends none for GET', () => {
    const post = httpAppDialect({ url: 'http://app/x', method: 'POST', output: 'a' });
    expect(body(post.buildRequest(goldenCase({ input: 'hey' })).body)).toEqual({ input: 'hey' });
    const get = httpAppDialect({ url: 'http://app/x', method: 'GET', output: 'a' });
    expect(get.buildRequest(goldenCase()).body).toBeUndefined();
    expect(get.buildRequest(goldenCase()).headers).not.toHaveProperty('authorization');
  });

  it('reads the output and the usage by dot paths, array indices included', () => {
    const d = httpAppDialect({
      url: 'http://app/x',
      method: 'POST',
      output: 'data.answers.0.text',
      usage: { input_tokens: 'meta.tokens_in', output_tokens: 'meta.tokens_out' },
    });
    const reply = d.parseReply(
      JSON.stringify({
        data: { answers: [{ text: 'Yes' }, { text: 'No' }] },
        meta: { tokens_in: 40, tokens_out: 2 },
      }),
    );
    expect(reply).toEqual({ output: 'Yes', input_tokens: 40, output_tokens: 2 });
  });

  it('turns a non-string output into JSON text and counts tokens as zero without usage paths', () => {
    const d = httpAppDialect({ url: 'http://app/x', method: 'POST', output: 'result' });
    expect(d.parseReply('{"result": {"label": "spam", "p": 0.9}}')).toEqual({
      output: '{"label":"spam","p":0.9}',
      input_tokens: 0,
      output_tokens: 0,
    });
    expect(d.parseReply('{"result": 0}').output).toBe('0');
    expect(d.parseReply('{"result": ""}').output).toBe('');
  });

  it('refuses an output nested past MAX_OUTPUT_DEPTH, without overflowing the stack', () => {
    const d = httpAppDialect({
      url: 'http://app/x',
      method: 'POST',
      output: 'result',
      usage: { output_tokens: 'meta.n' },
    });
    const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    for (const depth of [MAX_OUTPUT_DEPTH + 1, 10_000, 100_000]) {
      const text = `{"result": ${nested(depth)}, "meta": {"n": 3}}`;
      expect(() => d.parseReply(text)).toThrow(BadResponseError);
      expect(() => d.parseReply(text)).toThrow(
        `the value at "result" is nested more than ${MAX_OUTPUT_DEPTH} levels deep`,
      );
    }
    const deepList = `{"result": ${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(() => d.parseReply(deepList)).toThrow(/nested more than/);
    // At the bound it is an answer like any other.
    const atBound = d.parseReply(`{"result": ${nested(MAX_OUTPUT_DEPTH)}, "meta": {"n": 3}}`);
    expect(atBound.output).toBe(nested(MAX_OUTPUT_DEPTH));
    expect(atBound.output_tokens).toBe(3);
    // A deep value elsewhere in the reply is no concern: only the answer is kept.
    const elsewhere = d.parseReply(`{"result": "ok", "debug": ${nested(10_000)}}`);
    expect(elsewhere.output).toBe('ok');
  });

  it('refuses implausible usage read by a dot path, naming the path', () => {
    const d = httpAppDialect({
      url: 'http://app/x',
      method: 'POST',
      output: 'a',
      usage: { input_tokens: 'meta.in' },
    });
    expect(() => d.parseReply('{"a": "x", "meta": {"in": 1e308}}')).toThrow(
      /^implausible usage: meta\.in is 1e\+308/,
    );
  });

  it.each([
    ['a missing path', '{"result": {}}', /nothing at "result\.text"/],
    ['null at the path', '{"result": {"text": null}}', /nothing at "result\.text"/],
    ['a path through a string', '{"result": "flat"}', /nothing at "result\.text"/],
    ['an HTML error page', '<!doctype html><h1>oops</h1>', /not JSON/],
  ])('rejects %s with BadResponseError', (_label, text, message) => {
    const d = httpAppDialect({ url: 'http://app/x', method: 'POST', output: 'result.text' });
    expect(() => d.parseReply(text)).toThrow(BadResponseError);
    expect(() => d.parseReply(text)).toThrow(message);
  });
});

describe('openai dialect: Azure and gateway options', () => {
  it('adds api-version to the query and sends the bare key in the named header', () => {
    const d = openAiDialect({
      baseUrl: 'https://res.openai.azure.com/openai/deployments/gpt-4o/',
      model: 'gpt-4o',
      apiKey: 'az-key',
      apiVersion: '2024-10-21',
      keyHeader: 'api-key',
      templates: {},
    });
    const req = d.buildRequest(goldenCase());
    expect(req.url.href).toBe(
      'https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
    );
    expect(req.headers).toEqual({ 'content-type': 'application/json', 'api-key': 'az-key' });
  });

  it('keeps a query already on base_url, and treats key_header authorization as the default', () => {
    const d = openAiDialect({
      baseUrl: 'http://gw.local/v1?tenant=a',
      model: 'm',
      apiKey: 'k',
      keyHeader: 'Authorization',
      templates: {},
    });
    const req = d.buildRequest(goldenCase());
    expect(req.url.href).toBe('http://gw.local/v1/chat/completions?tenant=a');
    expect(req.headers.authorization).toBe('Bearer k');
  });
});

describe('http (own app) dialect: the case in the url', () => {
  it('fills url placeholders with URL-encoded values, so GET reaches the server with the case', () => {
    const d = httpAppDialect({
      url: 'http://app.local/ask/{{vars.user}}?q={{input}}&lang={{metadata.lang}}&v=2',
      method: 'GET',
      apiKey: 'app-key',
      keyHeader: 'x-api-key',
      output: 'answer',
    });
    const req = d.buildRequest(
      goldenCase({
        input: 'Is 2+2 = 4? 100% & "sure"/#yes',
        vars: { user: 'a b/c' },
        metadata: { lang: 'fr-CA' },
      }),
    );
    expect(req.method).toBe('GET');
    expect(req.body).toBeUndefined();
    expect(req.url.pathname).toBe('/ask/a%20b%2Fc');
    expect(req.url.searchParams.get('q')).toBe('Is 2+2 = 4? 100% & "sure"/#yes');
    expect([...req.url.searchParams.keys()]).toEqual(['q', 'lang', 'v']);
    expect(req.url.searchParams.get('lang')).toBe('fr-CA');
    expect(req.url.hash).toBe('');
    // No body, so no content type; the key in the header the app reads.
    expect(req.headers).toEqual({ 'x-api-key': 'app-key' });
  });

  it('uses the last user turn of a chat input in the url', () => {
    const d = httpAppDialect({ url: 'http://app/x?q={{input}}', method: 'GET', output: 'a' });
    const input = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'dernière' },
    ];
    expect(d.buildRequest(goldenCase({ input })).url.href).toBe('http://app/x?q=derni%C3%A8re');
  });

  it('templates the url of a POST as well, keeping the body template', () => {
    const d = httpAppDialect({
      url: 'http://app/tenants/{{vars.t}}/ask',
      method: 'POST',
      body: { q: '{{input}}' },
      output: 'a',
    });
    const req = d.buildRequest(goldenCase({ input: 'hi', vars: { t: 'acme' } }));
    expect(req.url.href).toBe('http://app/tenants/acme/ask');
    expect(body(req.body)).toEqual({ q: 'hi' });
    expect(req.headers['content-type']).toBe('application/json');
  });

  it('reports a placeholder the case cannot fill as a template error', () => {
    const d = httpAppDialect({ url: 'http://app/x?q={{vars.nope}}', method: 'GET', output: 'a' });
    expect(() => d.buildRequest(goldenCase())).toThrow(TemplateError);
    expect(() => d.buildRequest(goldenCase())).toThrow('{{vars.nope}} has no value for case');
  });
});

describe('which dialects can fail to render a case', () => {
  // A dialect that fills in no template cannot fail for a case, so the run skips rendering every
  // request up front; one that does (and every http app) must be rendered, or a missing
  // placeholder would surface only after calls were paid for.
  const chat = { baseUrl: 'http://h/v1', model: 'm' };
  it('a chat target without prompt or system fills in nothing', () => {
    expect(openAiDialect({ ...chat, templates: {} }).fillsTemplates).toBe(false);
    expect(anthropicDialect({ ...chat, templates: {} }).fillsTemplates).toBe(false);
  });
  it('a prompt or a system template, even an empty one, may fail', () => {
    for (const templates of [{ prompt: 'Q: {{vars.q}}' }, { system: '' }]) {
      expect(openAiDialect({ ...chat, templates }).fillsTemplates).toBeUndefined();
      expect(anthropicDialect({ ...chat, templates }).fillsTemplates).toBeUndefined();
    }
  });
  it('an http app may fail (its url and body are templates)', () => {
    expect(
      httpAppDialect({ url: 'http://app/{{id}}', method: 'GET', output: 'answer' }).fillsTemplates,
    ).toBeUndefined();
  });
});

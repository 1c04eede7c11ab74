import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TargetConfig, TemplateSource } from '../config/schema.js';
import { InputError, type InputProblem } from '../errors.js';
import { GitRefError, readFileAtRef } from '../git/read-at-ref.js';
import { anthropicDialect } from './anthropic.js';
import type { Dialect, ResolvedTemplates } from './dialect.js';
import { httpAppDialect } from './http-app.js';
import { openAiDialect } from './openai.js';
import type { Target } from './target.js';
import { placeholders } from './template.js';
import { createTransport } from './transport.js';

export interface TargetContext {
  configFile: string;
  configDir: string;
  env: NodeJS.ProcessEnv;
  defaults: { concurrency: number; timeoutMs: number; retries: number; backoffBaseMs: number };
}

function readTemplate(
  src: TemplateSource | undefined,
  field: string,
  ctx: TargetContext,
  problems: InputProblem[],
): string | undefined {
  if (src === undefined || typeof src === 'string') return src;
  if (src.ref !== undefined) {
    try {
      return readFileAtRef(src.file, src.ref, ctx.configDir, ctx.env).text;
    } catch (err) {
      if (!(err instanceof GitRefError)) throw err;
      problems.push({ file: ctx.configFile, path: `${field}.${err.field}`, message: err.message });
      return undefined;
    }
  }
  const file = path.resolve(ctx.configDir, src.file);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    problems.push({
      file: ctx.configFile,
      path: `${field}.file`,
      message: `prompt file not found: ${file}`,
    });
    return undefined;
  }
}

/** Reads the key a target needs; an unset variable is bad input, caught before any request. */
function readKey(
  name: string | undefined,
  field: string,
  ctx: TargetContext,
  problems: InputProblem[],
) {
  if (!name) return undefined;
  const key = ctx.env[name];
  if (!key) {
    problems.push({
      file: ctx.configFile,
      path: `${field}.api_key_env`,
      message: `environment variable ${name} is not set (it should hold the API key)`,
    });
  }
  return key;
}

/** A GET sends no body: the case has to travel in the url, or the server never sees it. */
function checkGet(
  url: string,
  body: unknown,
  field: string,
  ctx: TargetContext,
  problems: InputProblem[],
) {
  if (body !== undefined) {
    problems.push({
      file: ctx.configFile,
      path: `${field}.body`,
      message: 'a GET request has no body; put placeholders in the url instead, e.g. ?q={{input}}',
    });
  } else if (placeholders(url).length === 0) {
    problems.push({
      file: ctx.configFile,
      path: `${field}.url`,
      message:
        'with method GET the case must be in the url (values are URL-encoded), e.g. ?q={{input}}',
    });
  }
}

export type SecretSink = (secret: string) => void;

/**
 * Builds a callable target, or throws InputError listing everything wrong with it. Keys found are
 * handed to `onSecret` so the front door can mask them in logs.
 */
export function createTarget(
  cfg: TargetConfig,
  role: string,
  ctx: TargetContext,
  onSecret: SecretSink = () => {},
): Target {
  const problems: InputProblem[] = [];
  const field = role === 'judge' || role === 'embeddings' ? role : `targets.${role}`;
  const apiKey = readKey(cfg.api_key_env, field, ctx, problems);
  if (apiKey) onSecret(apiKey);
  let dialect: Dialect;
  let label: string;
  if (cfg.type === 'http') {
    const method = cfg.method ?? 'POST';
    if (method === 'GET') checkGet(cfg.url, cfg.body, field, ctx, problems);
    dialect = httpAppDialect({
      url: cfg.url,
      method,
      apiKey,
      keyHeader: cfg.key_header,
      headers: cfg.headers,
      body: cfg.body,
      output: cfg.output,
      usage: cfg.usage,
    });
    label = new URL(cfg.url).host;
  } else {
    const templates: ResolvedTemplates = {
      prompt: readTemplate(cfg.prompt, `${field}.prompt`, ctx, problems),
      system: readTemplate(cfg.system, `${field}.system`, ctx, problems),
    };
    const options = {
      baseUrl: cfg.base_url,
      model: cfg.model,
      apiKey,
      headers: cfg.headers,
      params: cfg.params,
      templates,
      stream: cfg.stream ?? false,
      apiVersion: cfg.api_version,
      keyHeader: cfg.key_header,
    };
    // `stream` decides how the reply is read, so it must come from the target's own key: sent
    // through params alone, the endpoint would stream and the reply would not parse.
    if (cfg.params && 'stream' in cfg.params) {
      problems.push({
        file: ctx.configFile,
        path: `${field}.params.stream`,
        message: 'set `stream: true` on the target itself, not in params',
      });
    }
    dialect = cfg.type === 'openai' ? openAiDialect(options) : anthropicDialect(options);
    label = cfg.model;
  }
  if (problems.length) throw new InputError(problems);
  const concurrency = cfg.concurrency ?? ctx.defaults.concurrency;
  return {
    role,
    label,
    dialect,
    price: cfg.price,
    concurrency,
    timeoutMs: cfg.timeout_ms ?? ctx.defaults.timeoutMs,
    retries: ctx.defaults.retries,
    backoffBaseMs: ctx.defaults.backoffBaseMs,
    transport: createTransport(concurrency),
  };
}

import { validateHeaderName, validateHeaderValue } from 'node:http';
import { InputFileError, ProjectFiles } from '../config/project-files.js';
import type { TargetConfig, TemplateSource } from '../config/schema.js';
import { DEFAULT_MAX_STEPS } from '../config/tools-schema.js';
import { InputError, type InputProblem } from '../errors.js';
import { GitRefError, readFileAtRef } from '../git/read-at-ref.js';
import { FILE_LIMITS } from '../util/read-bounded.js';
import { anthropicDialect } from './anthropic.js';
import type { Dialect, ResolvedTemplates, ToolOptions } from './dialect.js';
import { httpAppDialect } from './http-app.js';
import { openAiDialect } from './openai.js';
import type { CallLimits, Target } from './target.js';
import { placeholders } from './template.js';
import { createTransport } from './transport.js';

export interface TargetContext {
  configFile: string;
  configDir: string;
  /** Reads prompt files under the project-root rule and size limits; the engine always sets it. */
  files?: ProjectFiles;
  env: NodeJS.ProcessEnv;
  /** The run's settings; a target's own concurrency and timeout_ms win. */
  defaults: CallLimits;
  /** Set by `validate` without --strict: an unset key variable is a note, not a problem. */
  missingKey?: (note: InputProblem) => void;
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
  const files = ctx.files ?? ProjectFiles.unrestricted(ctx.configDir);
  try {
    return files.readText(
      src.file,
      'prompt file',
      FILE_LIMITS.template,
      `the prompt file of ${field}`,
    );
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    problems.push({ file: ctx.configFile, path: `${field}.file`, message: err.message });
    return undefined;
  }
}

/**
 * Reads the key a target needs; an unset variable is bad input, caught before any request
 * (or a note, for `validate`, which sends nothing).
 */
function readKey(
  name: string | undefined,
  field: string,
  ctx: Pick<TargetContext, 'configFile' | 'env' | 'missingKey'>,
  problems: InputProblem[],
) {
  if (!name) return undefined;
  const key = ctx.env[name];
  if (!key) {
    const problem = {
      file: ctx.configFile,
      path: `${field}.api_key_env`,
      message: `environment variable ${name} is not set (it should hold the API key)`,
    };
    if (ctx.missingKey) ctx.missingKey(problem);
    else problems.push(problem);
  }
  return key;
}

/**
 * The key check alone, on a config that did not load (an unset `${VAR}` in a base_url, a typo):
 * its targets cannot be built, yet an unset key variable is worth listing with its problems
 * rather than on the next attempt. `raw` is the config as read, unvalidated; `sides` the targets
 * the run calls. The judge's and embeddings' keys are checked when they are configured.
 */
export function unsetKeyProblems(
  raw: unknown,
  sides: readonly string[],
  ctx: Pick<TargetContext, 'configFile' | 'env'>,
): InputProblem[] {
  const problems: InputProblem[] = [];
  const check = (holder: unknown, field: string) => {
    const name = objectOrUndefined(holder)?.api_key_env;
    // A malformed name is the config's own problem, already reported.
    if (typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      readKey(name, field, ctx, problems);
  };
  const config = objectOrUndefined(raw);
  const targets = objectOrUndefined(config?.targets);
  for (const side of sides) check(targets?.[side], `targets.${side}`);
  check(config?.judge, 'judge');
  check(config?.embeddings, 'embeddings');
  return problems;
}

function objectOrUndefined(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
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

/**
 * node:http throws at send time on a header it cannot put on the wire (a key read with
 * `$(cat key.txt)` keeps its newline): caught here, before anything is sent. Values are never
 * shown: a header may carry a secret.
 */
function checkHeaders(
  cfg: TargetConfig,
  apiKey: string | undefined,
  field: string,
  ctx: TargetContext,
  problems: InputProblem[],
) {
  const fault = (path: string, message: string) =>
    problems.push({ file: ctx.configFile, path, message });
  const valueOk = (name: string, value: string) => {
    try {
      validateHeaderValue(name, value);
      return true;
    } catch {
      return false;
    }
  };
  for (const [name, value] of Object.entries(cfg.headers ?? {})) {
    try {
      validateHeaderName(name);
    } catch {
      fault(`${field}.headers`, `${JSON.stringify(name)} is not a valid HTTP header name`);
      continue;
    }
    if (!valueOk(name, value)) {
      fault(
        `${field}.headers.${name}`,
        'the value has characters an HTTP header cannot carry (a newline or control character?); the value is not shown',
      );
    }
  }
  if (cfg.type === 'anthropic' && cfg.api_version !== undefined) {
    if (!valueOk('anthropic-version', cfg.api_version)) {
      fault(`${field}.api_version`, 'has characters an HTTP header cannot carry');
    }
  }
  if (apiKey !== undefined && !valueOk(cfg.key_header ?? 'authorization', apiKey)) {
    fault(
      `${field}.api_key_env`,
      `environment variable ${cfg.api_key_env} holds characters an HTTP header cannot carry ` +
        '(a trailing newline, as from $(cat key.txt)?); the value is not shown',
    );
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
  checkHeaders(cfg, apiKey || undefined, field, ctx, problems);
  let dialect: Dialect;
  let label: string;
  let host: string;
  let maxSteps: number | undefined;
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
      toolCalls: cfg.tool_calls,
      context: cfg.context,
    });
    label = new URL(cfg.url).host;
    host = new URL(cfg.url).hostname;
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
      tools: toolOptions(cfg),
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
    host = new URL(cfg.base_url).hostname;
    // Only targets under test run agent loops; the judge answers in one call.
    if (role !== 'judge' && role !== 'embeddings') maxSteps = cfg.max_steps ?? DEFAULT_MAX_STEPS;
  }
  if (problems.length) throw new InputError(problems);
  const concurrency = cfg.concurrency ?? ctx.defaults.concurrency;
  return {
    ...ctx.defaults,
    role,
    label,
    host,
    dialect,
    price: cfg.price,
    concurrency,
    timeoutMs: cfg.timeout_ms ?? ctx.defaults.timeoutMs,
    transport: createTransport(concurrency),
    ...(maxSteps !== undefined ? { maxSteps } : {}),
  };
}

/** The tool keys a target set (none for the judge and embeddings, whose schema has none). */
function toolOptions(cfg: TargetConfig): ToolOptions | undefined {
  if (cfg.type === 'http') return undefined;
  const o: ToolOptions = {};
  if (cfg.tools !== undefined) o.tools = cfg.tools;
  if (cfg.tool_choice !== undefined) o.tool_choice = cfg.tool_choice;
  if (cfg.response_format !== undefined) o.response_format = cfg.response_format;
  return Object.keys(o).length > 0 ? o : undefined;
}

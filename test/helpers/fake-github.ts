import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ACTION, type Exec, runNode } from './workspace.js';

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface FakeGitHub {
  url: string;
  comments: FakeComment[];
  calls: { method: string; path: string; authorization?: string }[];
  /** Answer every write with this status (e.g. 403 for a fork's read-only token). */
  failWritesWith?: number;
  /** Answer every list request with this status. */
  failListWith?: number;
  /** The `message` of those failures (GitHub's own by default): a test may quote the token. */
  failMessage?: string;
  /** Headers sent with those failures (e.g. x-ratelimit-remaining: 0). */
  failHeaders?: Record<string, string>;
  /** Never answer anything: a silent API, which only the client's deadline or a cancel ends. */
  silent?: boolean;
  /** Resolves when the next request arrives (after it was recorded in `calls`). */
  nextCall(): Promise<void>;
  /** Who the token belongs to: the author of comments it creates. */
  author: { login: string; type: string };
  close(): Promise<void>;
}

/** GitHub's cap on an issue comment body, enforced here as GitHub enforces it (422). */
export const COMMENT_BODY_MAX = 65_536;

/**
 * The slice of the GitHub REST API the sticky comment uses — list (paginated with Link headers,
 * as GitHub does), create, update and delete issue comments — served on loopback for the real
 * Octokit, with GitHub's body-length validation.
 */
export async function startFakeGitHub(perPage = 30): Promise<FakeGitHub> {
  const state: FakeGitHub = {
    url: '',
    comments: [],
    calls: [],
    author: { login: 'github-actions[bot]', type: 'Bot' },
    close: async () => {},
    nextCall: () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
      }),
  };
  const waiting: (() => void)[] = [];
  const sockets = new Set<import('node:net').Socket>();
  let nextId = 1000;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', state.url);
      state.calls.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: req.headers.authorization,
      });
      for (const resolve of waiting.splice(0)) resolve();
      if (state.silent) return;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(body === undefined ? '' : JSON.stringify(body));
      };
      // As GitHub: a personal token reads its user; an installation token (GITHUB_TOKEN) may not.
      if (url.pathname === '/user' && req.method === 'GET') {
        if (state.author.type === 'User') send(200, { login: state.author.login, type: 'User' });
        else send(403, { message: 'Resource not accessible by integration' });
        return;
      }
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
      if (list && req.method === 'GET') {
        if (state.failListWith) {
          send(
            state.failListWith,
            { message: state.failMessage ?? 'Resource not accessible by integration' },
            state.failHeaders,
          );
          return;
        }
        const page = Number(url.searchParams.get('page') ?? 1);
        const size = Math.min(perPage, Number(url.searchParams.get('per_page') ?? perPage));
        const slice = state.comments.slice((page - 1) * size, page * size);
        const headers: Record<string, string> = {};
        if (page * size < state.comments.length) {
          const next = new URL(url);
          next.searchParams.set('page', String(page + 1));
          headers.link = `<${next.toString()}>; rel="next"`;
        }
        send(200, slice, headers);
        return;
      }
      const write =
        (list && req.method === 'POST') ||
        (one && (req.method === 'PATCH' || req.method === 'DELETE'));
      if (write) {
        if (state.failWritesWith) {
          send(state.failWritesWith, {
            message: state.failMessage ?? 'Resource not accessible by integration',
          });
          return;
        }
        if (one && req.method === 'DELETE') {
          const at = state.comments.findIndex((x) => x.id === Number(one[3]));
          if (at < 0) return send(404, { message: 'Not Found' });
          state.comments.splice(at, 1);
          res.writeHead(204);
          res.end();
          return;
        }
        const { body } = JSON.parse(raw) as { body: string };
        if (body.length > COMMENT_BODY_MAX) {
          send(422, {
            message: 'Validation Failed',
            errors: [
              {
                resource: 'IssueComment',
                code: 'custom',
                field: 'body',
                message: `body is too long (maximum is ${COMMENT_BODY_MAX} characters)`,
              },
            ],
          });
          return;
        }
        if (list) {
          const c = { id: nextId++, body, user: { ...state.author } };
          state.comments.push(c);
          send(201, c);
        } else {
          const c = state.comments.find((x) => x.id === Number(one![3]));
          if (!c) return send(404, { message: 'Not Found' });
          c.body = body;
          send(200, c);
        }
        return;
      }
      send(404, { message: 'Not Found' });
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A silent API holds its connections open: close them, or close() would wait on them.
  state.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return state;
}

// The runner's side of GitHub Actions: the files and variables a step receives, and the
// workflow commands (`::error file=…::…`) it prints, parsed back as GitHub parses them.

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

function unescapeCommand(text: string): string {
  return text
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');
}

/** Every `::command props::message` line in a step's stdout. */
export function workflowCommands(stdout: string): WorkflowCommand[] {
  const out: WorkflowCommand[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::([a-z-]+)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const properties: Record<string, string> = {};
    for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = pair.indexOf('=');
      properties[pair.slice(0, eq)] = unescapeCommand(pair.slice(eq + 1));
    }
    out.push({ command: m[1]!, properties, message: unescapeCommand(m[3]!) });
  }
  return out;
}

/** Step outputs from a GITHUB_OUTPUT file: `name<<DELIMITER\nvalue\nDELIMITER`. */
export function parseOutputs(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of readFileSync(file, 'utf8').matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

export interface ActionRun extends Exec {
  /** The runner's temp folder holding the output, summary and event files. */
  runner: string;
  outputs: Record<string, string>;
  summary: string;
  commands: WorkflowCommand[];
}

export interface ActionStep {
  /** The checked-out repository (GITHUB_WORKSPACE); the step runs there. */
  workspace: string;
  /** `with:` inputs by their action.yml names. */
  inputs: Record<string, string>;
  /** Other environment variables (the step's `env:`). */
  env?: NodeJS.ProcessEnv;
  /** The event; a `pull_request` payload makes it a pull request run. */
  event?: { name: string; payload: unknown };
  github?: FakeGitHub;
}

/** The environment GitHub gives a step, with real output, summary and event files. */
export function actionEnv(step: ActionStep): { env: NodeJS.ProcessEnv; runner: string } {
  const runner = mkdtempSync(path.join(os.tmpdir(), 'evalgate-runner-'));
  for (const f of ['output.txt', 'summary.md']) writeFileSync(path.join(runner, f), '');
  const env: NodeJS.ProcessEnv = {
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: step.workspace,
    GITHUB_OUTPUT: path.join(runner, 'output.txt'),
    GITHUB_STEP_SUMMARY: path.join(runner, 'summary.md'),
    GITHUB_REPOSITORY: 'acme/bot',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '42',
    ...step.env,
  };
  if (step.event) {
    const eventPath = path.join(runner, 'event.json');
    writeFileSync(eventPath, JSON.stringify(step.event.payload));
    env.GITHUB_EVENT_NAME = step.event.name;
    env.GITHUB_EVENT_PATH = eventPath;
  }
  if (step.github) env.GITHUB_API_URL = step.github.url;
  for (const [k, v] of Object.entries(step.inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  return { env, runner };
}

/** Runs the Action bundle as the runner does and reads back everything it left. */
export async function runAction(step: ActionStep): Promise<ActionRun> {
  const { env, runner } = actionEnv(step);
  const r = await runNode(ACTION, [], { cwd: step.workspace, env });
  return {
    ...r,
    runner,
    outputs: parseOutputs(path.join(runner, 'output.txt')),
    summary: readFileSync(path.join(runner, 'summary.md'), 'utf8'),
    commands: workflowCommands(r.stdout),
  };
}

/** A `pull_request` event payload as GitHub writes it (the fields evalgate reads, and a few more). */
export function pullRequestEvent(number: number, baseSha = 'a'.repeat(40)) {
  return {
    name: 'pull_request',
    payload: {
      action: 'synchronize',
      number,
      pull_request: {
        number,
        head: { ref: 'feature', sha: 'b'.repeat(40) },
        base: { ref: 'main', sha: baseSha },
      },
      repository: { name: 'bot', owner: { login: 'acme' } },
    },
  };
}

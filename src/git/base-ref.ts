import { readBoundedText } from '../util/read-bounded.js';

// What `ref: base` means. Checked in this order, first match wins:
//   1. EVALGATE_BASE_REF: set by the user, or by `--base-ref` / the Action input `base-ref`;
//   2. the event payload GitHub writes to GITHUB_EVENT_PATH: `pull_request.base.sha` (pull_request,
//      pull_request_target and review events) or `merge_group.base_sha` (merge queues);
//   3. GITHUB_BASE_REF, the base branch's name: `origin/<name>`, else `<name>`.
// The payload's sha beats the branch name: the branch may have moved on since the PR was opened,
// and the sha is exactly what the pull request's diff is taken against.

/** The environment variable that says what `ref: base` means; `--base-ref` sets it. */
export const BASE_REF_ENV = 'EVALGATE_BASE_REF';

/**
 * GitHub caps a webhook payload at 25 MB; the event file is that payload. Anything larger, or a
 * path that is not a regular file (a pipe would block), is not an event payload.
 */
export const MAX_EVENT_PAYLOAD_BYTES = 32 * 1024 * 1024;

export interface BaseRef {
  /** Git revisions to try, in order; the first that names a commit is used. */
  candidates: string[];
  /** Where it came from, for messages. */
  from: string;
}

function fromEventPayload(env: NodeJS.ProcessEnv): BaseRef | undefined {
  const file = env.GITHUB_EVENT_PATH;
  if (!file) return undefined;
  let payload: {
    pull_request?: { base?: { sha?: unknown } };
    merge_group?: { base_sha?: unknown };
  };
  try {
    payload = JSON.parse(readBoundedText(file, MAX_EVENT_PAYLOAD_BYTES));
  } catch {
    return undefined;
  }
  const sha = payload?.pull_request?.base?.sha ?? payload?.merge_group?.base_sha;
  if (typeof sha !== 'string' || !/^[0-9a-f]{7,64}$/i.test(sha)) return undefined;
  const what = payload.pull_request ? 'pull_request.base.sha' : 'merge_group.base_sha';
  return { candidates: [sha], from: `the event payload's ${what}` };
}

/** What `ref: base` resolves to in this environment, or undefined when nothing says. */
export function resolveBaseRef(env: NodeJS.ProcessEnv): BaseRef | undefined {
  const explicit = env[BASE_REF_ENV]?.trim();
  if (explicit) return { candidates: [explicit], from: `${BASE_REF_ENV} / --base-ref` };
  const payload = fromEventPayload(env);
  if (payload) return payload;
  const branch = env.GITHUB_BASE_REF?.trim();
  if (branch) return { candidates: [`origin/${branch}`, branch], from: 'GITHUB_BASE_REF' };
  return undefined;
}

import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { errorMessage } from '../errors.js';
import { GITHUB_COMMENT_MAX_CHARS, type HtmlLink, renderMarkdown } from '../report/markdown.js';
import type { Report } from '../types.js';
import { maskedExcerpt, type Redact } from '../util/redact.js';

/**
 * The longest all the GitHub calls of one comment may take together (list, update, delete or
 * create): an API that stops answering cannot hold the step, and its minutes, for longer.
 */
export const COMMENT_TIMEOUT_MS = 30_000;

export interface CommentOptions {
  configPath: string;
  token: string;
  runUrl?: string;
  /** The run's abort signal: a cancelled job (SIGINT, SIGTERM) drops the comment at once. */
  signal?: AbortSignal;
  /** Masks the run's secrets (the github-token among them) in what a failed call says. */
  redact?: Redact;
  timeoutMs?: number;
  /** The HTML report, when one was written (and its artifact's page, when uploaded). */
  html?: HtmlLink;
}

/**
 * The hidden marker that finds our comment again: one sticky comment per config file, named by
 * its path in the repository so that two configs (or one config in two working directories)
 * never overwrite each other's comment.
 */
export function commentMarker(configPath: string): string {
  const root = process.env.GITHUB_WORKSPACE || process.cwd();
  const rel = path.relative(root, path.resolve(configPath));
  const key = rel && !rel.startsWith('..') ? rel.split(path.sep).join('/') : configPath;
  return `<!-- evalgate:comment config=${encodeURIComponent(key)} -->`;
}

/** The pull request this event is about: pull_request(_target), or a comment on a PR. */
function pullRequestNumber(): number | undefined {
  const { payload } = github.context;
  if (payload.pull_request?.number) return payload.pull_request.number;
  if (payload.issue?.pull_request && payload.issue.number) return payload.issue.number;
  return undefined;
}

/** What a warning quotes of a failed call's error: an API may answer with a whole HTML page. */
const MAX_ERROR_CHARS = 500;

/** The login of the account that posts for GitHub's own token (GITHUB_TOKEN). */
const ACTIONS_BOT = 'github-actions[bot]';

interface ListedComment {
  id: number;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/**
 * Creates or updates the one evalgate comment on the pull request. Never throws and never
 * hangs: a comment is a courtesy, the decision is the step's result. Every call carries the
 * run's abort signal and a deadline shared by all of them; a fork's read-only token (403), a
 * silent API or a cancel becomes a warning, with the run's secrets masked.
 */
export async function upsertPrComment(report: Report, options: CommentOptions): Promise<void> {
  const number = pullRequestNumber();
  if (!number) {
    core.info('not a pull request event: no PR comment');
    return;
  }
  if (!options.token) {
    core.warning('no github-token: the PR comment was skipped');
    return;
  }
  const marker = commentMarker(options.configPath);
  const body = `${marker}\n${renderMarkdown(report, {
    runUrl: options.runUrl,
    html: options.html,
    maxChars: GITHUB_COMMENT_MAX_CHARS - marker.length - 1,
  })}`;
  const timeoutMs = options.timeoutMs ?? COMMENT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const redact = options.redact ?? ((text: string) => text);
  try {
    // Inside the try: an event without a repository (a step run outside GitHub) makes
    // context.repo throw, and a comment must never change the step's result.
    const { owner, repo } = github.context.repo;
    const octokit = github.getOctokit(options.token);
    // On every request, paginate's included (it drops a `request` option given to it). Not in
    // getOctokit's options: those would replace the proxy-aware fetch that it sets up.
    octokit.hook.before('request', (o) => {
      o.request = { ...o.request, signal };
    });
    const comments: ListedComment[] = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    // Ours start with the marker; a comment quoting it elsewhere is someone else's.
    const marked = comments.filter((c) => c.body?.startsWith(marker));
    const ours = await ownComment(marked, async () => {
      const { data } = await octokit.rest.users.getAuthenticated();
      return data.login;
    });
    if (ours) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
      core.info(`updated the evalgate comment on PR #${number}`);
      // Two runs racing on the first push can both create one; keep the oldest, delete the rest
      // (only ours: the same bot account and the same marker).
      const extras = marked.filter(
        (c) => c.id !== ours.id && c.user?.type === 'Bot' && c.user?.login === ours.user?.login,
      );
      for (const extra of extras) {
        await octokit.rest.issues.deleteComment({ owner, repo, comment_id: extra.id });
      }
    } else {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: number, body });
      core.info(`commented on PR #${number}`);
    }
  } catch (err) {
    if (signal.aborted) {
      const why = options.signal?.aborted
        ? 'the run was cancelled'
        : `GitHub did not answer within ${timeoutMs / 1000} s`;
      core.warning(
        `could not comment on PR #${number}: ${why}. The gate still decided; see the job summary.`,
      );
      return;
    }
    const status = (err as { status?: number }).status;
    if (rateLimited(err)) {
      core.warning(
        `could not comment on PR #${number} (${status}): GitHub's API rate limit for this token was reached. The gate still decided; see the job summary.`,
      );
    } else if (status === 403 || status === 404) {
      core.warning(
        `could not comment on PR #${number} (${status}): the token cannot write to pull requests ` +
          '(a fork, or missing `permissions: pull-requests: write`). The gate still decided; see the job summary.',
      );
    } else {
      core.warning(
        `could not comment on PR #${number}${status ? ` (${status})` : ''}: ${maskedExcerpt(errorMessage(err), MAX_ERROR_CHARS, redact)}. The gate still decided; see the job summary.`,
      );
    }
  }
}

/**
 * Which of the comments carrying our marker this token wrote, if any: anyone can paste the marker
 * into a comment of their own, and updating it would put the verdict where its author can edit
 * it. GITHUB_TOKEN posts as github-actions[bot]; a personal token as its user, which `whoAmI` asks
 * GitHub for (only then: GITHUB_TOKEN may not ask); an app's token as its own bot, the one kind
 * that can only be told apart by being a bot.
 */
async function ownComment(
  marked: ListedComment[],
  whoAmI: () => Promise<string>,
): Promise<ListedComment | undefined> {
  if (marked.length === 0) return undefined;
  const actions = marked.find((c) => c.user?.login === ACTIONS_BOT);
  if (actions) return actions;
  let me: string | undefined;
  try {
    me = await whoAmI();
  } catch {
    // An installation token (GITHUB_TOKEN, an app's) may not read the authenticated user.
  }
  if (me !== undefined) return marked.find((c) => c.user?.login === me);
  return marked.find((c) => c.user?.type === 'Bot');
}

/** A 403 or 429 from the rate limit, which would otherwise read as a missing permission. */
function rateLimited(err: unknown): boolean {
  const e = err as { status?: number; response?: { headers?: Record<string, string | undefined> } };
  if (e.status !== 403 && e.status !== 429) return false;
  return e.status === 429 || e.response?.headers?.['x-ratelimit-remaining'] === '0';
}

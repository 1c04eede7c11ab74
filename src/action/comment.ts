import path from 'node:path';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { errorMessage } from '../errors.js';
import { GITHUB_COMMENT_MAX_CHARS, type HtmlLink, renderMarkdown } from '../report/markdown.js';
import type { Report } from '../types.js';
import type { Redact } from '../util/redact.js';

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
  const { owner, repo } = github.context.repo;
  const octokit = github.getOctokit(options.token);
  const timeoutMs = options.timeoutMs ?? COMMENT_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  // On every request, paginate's included (it drops a `request` option given to it). Not in
  // getOctokit's options: those would replace the proxy-aware fetch that it sets up.
  octokit.hook.before('request', (o) => {
    o.request = { ...o.request, signal };
  });
  const redact = options.redact ?? ((text: string) => text);
  try {
    const comments: ListedComment[] = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: number,
      per_page: 100,
    });
    // Ours start with the marker; a comment quoting it elsewhere is someone else's.
    const marked = comments.filter((c) => c.body?.startsWith(marker));
    // Prefer a bot's comment: anyone can paste our marker into a comment of their own.
    const ours = marked.find((c) => c.user?.type === 'Bot') ?? marked[0];
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
    if (status === 403 || status === 404) {
      core.warning(
        `could not comment on PR #${number} (${status}): the token cannot write to pull requests ` +
          '(a fork, or missing `permissions: pull-requests: write`). The gate still decided; see the job summary.',
      );
    } else {
      core.warning(
        `could not comment on PR #${number}${status ? ` (${status})` : ''}: ${redact(errorMessage(err))}. The gate still decided; see the job summary.`,
      );
    }
  }
}

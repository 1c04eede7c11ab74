import * as core from '@actions/core';
import * as github from '@actions/github';
import { errorMessage } from '../errors.js';
import { renderMarkdown } from '../report/markdown.js';
import type { Report } from '../types.js';

// GitHub rejects comment bodies over 65,536 characters; leave room for the marker.
const COMMENT_LIMIT = 65_000;

/** The hidden marker that finds our comment again; one sticky comment per config file. */
export function commentMarker(configPath: string): string {
  return `<!-- evalgate:comment config=${encodeURIComponent(configPath)} -->`;
}

function runUrl(): string | undefined {
  const { serverUrl, repo, runId } = github.context;
  return runId ? `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}` : undefined;
}

/**
 * Creates or updates the one evalgate comment on the pull request. Never throws: a comment is a
 * courtesy, the decision is the step's result. A fork's read-only token (403) becomes a warning.
 */
export async function upsertPrComment(
  report: Report,
  configPath: string,
  token: string,
): Promise<void> {
  const pr = github.context.payload.pull_request;
  if (!pr) {
    core.info('not a pull request event: no PR comment');
    return;
  }
  if (!token) {
    core.warning('no github-token: the PR comment was skipped');
    return;
  }
  const marker = commentMarker(configPath);
  const body = `${marker}\n${renderMarkdown(report, { runUrl: runUrl(), maxChars: COMMENT_LIMIT - marker.length - 1 })}`;
  const { owner, repo } = github.context.repo;
  const octokit = github.getOctokit(token);
  try {
    const comments = await octokit.paginate(octokit.rest.issues.listComments, {
      owner,
      repo,
      issue_number: pr.number,
      per_page: 100,
    });
    // Prefer a bot's comment: anyone can paste our marker into a comment of their own.
    const ours =
      comments.find((c) => c.body?.includes(marker) && c.user?.type === 'Bot') ??
      comments.find((c) => c.body?.includes(marker));
    if (ours) {
      await octokit.rest.issues.updateComment({ owner, repo, comment_id: ours.id, body });
      core.info(`updated the evalgate comment on PR #${pr.number}`);
    } else {
      await octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body });
      core.info(`commented on PR #${pr.number}`);
    }
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === 403 || status === 404) {
      core.warning(
        `could not comment on PR #${pr.number} (${status}): the token cannot write to pull requests ` +
          '(a fork, or missing `permissions: pull-requests: write`). The gate still decided; see the job summary.',
      );
    } else {
      core.warning(`could not comment on PR #${pr.number}: ${errorMessage(err)}`);
    }
  }
}

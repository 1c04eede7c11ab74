import path from 'node:path';
import { errorMessage } from '../errors.js';

/** The longest the upload may take: the page is a courtesy, the decision is the step's result. */
export const UPLOAD_TIMEOUT_MS = 120_000;

export interface UploadLog {
  info: (message: string) => void;
  notice: (message: string) => void;
  warning: (message: string) => void;
}

/** The artifact's name: the page's file name with `-html` (never the JSON report's artifact's name). */
export function artifactName(file: string): string {
  const base = path.basename(file, path.extname(file)).replace(/[^\w.-]+/g, '-') || 'evalgate';
  return `${base}-html`;
}

/** The artifact's page on GitHub, from the variables every step sees; undefined outside Actions. */
export function artifactUrl(env: NodeJS.ProcessEnv, id: number): string | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const repo = env.GITHUB_REPOSITORY;
  const run = env.GITHUB_RUN_ID;
  if (!repo || !run || !/^\d+$/.test(run) || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  if (!Number.isSafeInteger(id) || id <= 0) return undefined;
  return `${server}/${repo}/actions/runs/${run}/artifacts/${id}`;
}

/**
 * Uploads the HTML report as a workflow artifact with @actions/artifact, loaded only here (the
 * CLI never carries it). Never throws, and never holds the step past UPLOAD_TIMEOUT_MS or past a
 * cancel: without the runtime token (a step run outside GitHub's runner, or a container that
 * drops it) it is skipped with a notice; a failed upload is a warning. Returns the artifact's
 * page when it worked.
 */
export async function uploadHtmlArtifact(
  file: string,
  env: NodeJS.ProcessEnv,
  log: UploadLog,
  /** The run's: a cancelled job stops waiting at once (the runner kills the step soon after). */
  signal?: AbortSignal,
  timeoutMs = UPLOAD_TIMEOUT_MS,
): Promise<string | undefined> {
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    log.notice(
      `the HTML report was not uploaded as an artifact: this step has no artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL are not set). It is at ${path.resolve(file)}; upload it with actions/upload-artifact, or open it locally with \`npx evalgate view\` on the JSON report.`,
    );
    return undefined;
  }
  const abs = path.resolve(file);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // @actions/artifact takes no signal: its request and retries are left behind, not stopped,
    // and the entry ends the process once the step is done (src/index.ts), so they cannot hold it.
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => reject(new Error('the run was cancelled'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
    stopped.catch(() => {}); // raced below; never a rejection nobody handles
    const { DefaultArtifactClient } = await Promise.race([import('@actions/artifact'), stopped]);
    const upload = new DefaultArtifactClient().uploadArtifact(
      artifactName(abs),
      [abs],
      path.dirname(abs),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      timer.unref();
    });
    const { id } = await Promise.race([upload, timeout, stopped]);
    const url = id === undefined ? undefined : artifactUrl(env, id);
    log.info(`uploaded the HTML report as artifact ${artifactName(abs)}${url ? `: ${url}` : ''}`);
    return url;
  } catch (err) {
    log.warning(
      `could not upload the HTML report as an artifact: ${errorMessage(err)}. It is at ${abs}; the gate still decided.`,
    );
    return undefined;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

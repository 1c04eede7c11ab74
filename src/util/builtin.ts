import { createRequire } from 'node:module';

// Not named `require`: the bundler would try to resolve a call by that name.
const load = createRequire(import.meta.url);

/**
 * The Node built-ins a run may never use (TLS for an https endpoint, zlib for the HTML report,
 * worker threads for a sandboxed scorer, child processes for git), loaded the first time they
 * are: imported up front they cost 30 ms of every start-up, about a tenth of it.
 */
export const builtin = {
  https: once(() => load('node:https') as typeof import('node:https')),
  zlib: once(() => load('node:zlib') as typeof import('node:zlib')),
  workerThreads: once(() => load('node:worker_threads') as typeof import('node:worker_threads')),
  childProcess: once(() => load('node:child_process') as typeof import('node:child_process')),
};

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
}

// The code of a scoring worker, as plain JavaScript run with `new Worker(code, { eval: true })`.
// A string rather than a file of its own: dist/ holds two esbuild bundles and no worker entry
// point, and vitest runs the TypeScript sources; a string works the same in both.
//
// One worker runs one task at a time (see worker-pool.ts), so whatever goes wrong inside it
// (an async throw, an unhandled rejection) belongs to the task in flight. It reports that as a
// `fault` and the pool ends the worker: a module that threw once may have broken its own state.
//
// Messages in: {id, type: 'regex', pattern, flags, text} | {id, type: 'load', file}
//            | {id, type: 'custom', file, output, testCase, answer}
// Messages out: {id, value} | {id, threw} | {id, loadError, code} | {type: 'fault', message}

export const WORKER_SOURCE = String.raw`
'use strict';
const { parentPort } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');

const modules = new Map();
const regexes = new Map();

function messageOf(err) {
  try {
    return err instanceof Error ? String(err.message) : String(err);
  } catch {
    return 'an error that cannot be shown';
  }
}

function post(reply) {
  try {
    parentPort.postMessage(reply);
  } catch {
    // A value structured clone refuses (a function, a symbol): keep what a score can be made of.
    const v = reply.value;
    const keep = (x) => (x === null || typeof x !== 'object' && typeof x !== 'function' && typeof x !== 'symbol' ? x : {});
    const value = v !== null && typeof v === 'object' ? { score: keep(v.score), reason: keep(v.reason) } : null;
    parentPort.postMessage({ id: reply.id, value });
  }
}

function fault(how, err) {
  parentPort.postMessage({ type: 'fault', message: how + ': ' + messageOf(err) });
}
process.on('uncaughtException', (err) => fault('threw asynchronously', err));
process.on('unhandledRejection', (err) => fault('left a promise rejected and unhandled', err));

function load(file) {
  let p = modules.get(file);
  if (!p) {
    p = import(pathToFileURL(file).href).then((mod) => {
      // export default fn in ESM; module.exports = fn in CommonJS arrives as the default too.
      let fn = mod.default;
      if (fn && typeof fn === 'object' && typeof fn.default === 'function') fn = fn.default;
      return fn;
    });
    modules.set(file, p);
  }
  return p;
}

function regex(pattern, flags) {
  const key = flags + '/' + pattern;
  let re = regexes.get(key);
  if (!re) {
    if (regexes.size >= 256) regexes.clear();
    re = new RegExp(pattern, flags);
    regexes.set(key, re);
  }
  return re;
}

parentPort.on('message', async (m) => {
  const id = m.id;
  if (m.type === 'regex') {
    let value;
    try {
      value = regex(m.pattern, m.flags).test(m.text);
    } catch (err) {
      post({ id, threw: messageOf(err) });
      return;
    }
    post({ id, value });
    return;
  }
  let fn;
  try {
    fn = await load(m.file);
  } catch (err) {
    const first = messageOf(err).split('\n')[0];
    if (m.type === 'load') post({ id, loadError: first, code: err && typeof err.code === 'string' ? err.code : undefined });
    else post({ id, threw: 'failed to load: ' + first });
    return;
  }
  if (m.type === 'load') {
    post({ id, value: typeof fn === 'function' });
    return;
  }
  let raw;
  try {
    raw = await fn(m.output, m.testCase, m.answer);
  } catch (err) {
    post({ id, threw: messageOf(err) });
    return;
  }
  post({ id, value: raw });
});
`;

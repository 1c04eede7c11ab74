import type { Config } from './schema.js';

// The base_url mistakes that otherwise cost a whole run of 404s: the endpoint's full path pasted
// in (evalgate appends it), a missing /v1 on a host whose layout is known, /v1 twice. Messages
// never quote the URL (it may come from a `${VAR}` and carry a token); the fixes they suggest
// are spelled from constants.

/**
 * Hosted OpenAI-compatible APIs whose root path is fixed and public: a base_url on one of these
 * hosts must be that root. Documented in docs/troubleshooting.md; keep the two in step.
 */
export const KNOWN_OPENAI_ROOTS: Readonly<Record<string, string>> = {
  'api.openai.com': '/v1',
  'openrouter.ai': '/api/v1',
  'api.groq.com': '/openai/v1',
  'api.together.xyz': '/v1',
  'api.fireworks.ai': '/inference/v1',
  'api.mistral.ai': '/v1',
  'generativelanguage.googleapis.com': '/v1beta/openai',
};

/**
 * The known hosts and their API roots, spelled as above. A value read from the environment that
 * is exactly one of these holds nothing but public constants: no credential to mask, and masking
 * it would blank the very fix a base_url message suggests (`is at ***` for api.openai.com).
 */
const PUBLIC_ROOTS: ReadonlySet<string> = new Set(
  Object.entries(KNOWN_OPENAI_ROOTS).flatMap(([host, root]) => [
    host,
    `https://${host}`,
    `https://${host}/`,
    `https://${host}${root}`,
    `https://${host}${root}/`,
  ]),
);

/** Whether `value` is, character for character, a known host or its public API root. */
export function isPublicApiRoot(value: string): boolean {
  return PUBLIC_ROOTS.has(value);
}

type Dialect = 'openai' | 'anthropic' | 'embeddings';

/** What evalgate appends to base_url, per dialect. */
const APPENDED: Record<Dialect, string> = {
  openai: '/chat/completions',
  anthropic: '/v1/messages',
  embeddings: '/embeddings',
};

/** Endpoint paths pasted in by mistake, per dialect; a longer one before its own tail. */
const PASTED: Record<Dialect, string[]> = {
  openai: ['/chat/completions', '/completions', '/responses'],
  anthropic: ['/v1/messages', '/messages'],
  embeddings: ['/embeddings'],
};

/** Why this base_url is wrong for the dialect, or undefined. */
export function baseUrlMistake(baseUrl: string, dialect: Dialect): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined; // the schema has said so already
  }
  const p = url.pathname.replace(/\/+$/, '');
  const appended = APPENDED[dialect];
  const pasted = PASTED[dialect].find((tail) => p.endsWith(tail));
  if (pasted) {
    const root = dialect === 'anthropic' ? 'the host root' : 'the API root';
    const why = pasted === appended ? 'which evalgate appends itself' : 'an endpoint, not a root';
    return `ends in ${pasted}, ${why}: base_url is ${root} and evalgate calls {base_url}${appended}; remove ${pasted}`;
  }
  if (/\/v1\/v1(\/|$)/.test(`${p}/`)) {
    return 'has /v1 twice: keep one (e.g. https://api.openai.com/v1)';
  }
  if (dialect === 'anthropic') {
    if (/\/v1$/.test(p)) {
      return 'ends in /v1, but for type anthropic base_url is the host root (evalgate calls {base_url}/v1/messages): remove the /v1, e.g. https://api.anthropic.com';
    }
    return undefined;
  }
  const root = KNOWN_OPENAI_ROOTS[url.hostname];
  if (root !== undefined && p !== root) {
    const fix = `https://${url.hostname}${root}`;
    const what = p === '' ? `is missing ${root}` : `should have the path ${root} and nothing else`;
    return `${what}: the OpenAI-compatible API of ${url.hostname} is at ${fix}`;
  }
  return undefined;
}

/** Every base_url mistake in the config, with its field path. */
export function baseUrlProblems(config: Config): { at: string[]; message: string }[] {
  const fields: { at: string[]; url: string; dialect: Dialect }[] = [];
  for (const side of ['baseline', 'candidate'] as const) {
    const t = config.targets[side];
    if (t.type !== 'http')
      fields.push({ at: ['targets', side, 'base_url'], url: t.base_url, dialect: t.type });
  }
  const { judge, embeddings } = config;
  if (judge) fields.push({ at: ['judge', 'base_url'], url: judge.base_url, dialect: judge.type });
  if (embeddings) {
    fields.push({
      at: ['embeddings', 'base_url'],
      url: embeddings.base_url,
      dialect: 'embeddings',
    });
  }
  return fields.flatMap(({ at, url, dialect }) => {
    const message = baseUrlMistake(url, dialect);
    return message ? [{ at, message }] : [];
  });
}

/**
 * What a 404 from `url` (the URL evalgate called) most likely means, as a fix to make. Says
 * nothing of the URL's own text, as above.
 */
export function notFoundHint(url: URL): string {
  const p = url.pathname.replace(/\/+$/, '');
  const model = 'and the model name (some servers answer 404 for a model they do not serve)';
  for (const tail of [APPENDED.openai, APPENDED.embeddings]) {
    if (!p.endsWith(tail)) continue;
    const base = p.slice(0, -tail.length);
    if (!/\/v\d+[a-z0-9]*(\/|$)/.test(`${base}/`)) {
      return `add /v1 to base_url? most OpenAI-compatible servers answer at {base_url}/v1${tail} (e.g. base_url: http://localhost:11434/v1); else check base_url ${model}`;
    }
    return `check base_url (evalgate calls {base_url}${tail}) ${model}`;
  }
  if (p.endsWith(APPENDED.anthropic)) {
    return `check base_url, which for type anthropic is the host root (evalgate calls {base_url}/v1/messages), ${model}`;
  }
  return 'check url: an http target is called at exactly that URL';
}

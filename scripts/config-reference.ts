// docs/config-reference.md, generated from the config's zod schema (src/config/schema.ts): every
// key with its type, default and description, so the page cannot drift from what the loader
// accepts. `npm run docs:config` writes it; test/docs/config-reference.test.ts fails when the
// committed page differs from what this renders.

import { z } from 'zod';
import { configSchema } from '../src/config/schema.js';

export const CONFIG_REFERENCE_FILE = 'docs/config-reference.md';

interface Node {
  type?: string | string[];
  description?: string;
  default?: unknown;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  properties?: Record<string, Node>;
  required?: string[];
  additionalProperties?: Node | boolean;
  items?: Node;
  anyOf?: Node[];
  oneOf?: Node[];
}

interface Row {
  key: string;
  type: string;
  need: string;
  description: string;
}

interface Section {
  title: string;
  intro?: string;
  rows: Row[];
}

const code = (s: string) => `\`${s}\``;
/** A description as a sentence: capital first letter, full stop. */
const sentence = (s = '') => (s ? `${s[0]!.toUpperCase()}${s.slice(1)}.` : '');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** zod writes the safe-integer bounds on every integer: they say nothing to a reader. */
const unbounded = (v: number | undefined) =>
  v === undefined || Math.abs(v) >= Number.MAX_SAFE_INTEGER ? undefined : v;

function range(node: Node): string {
  const n = { ...node, minimum: unbounded(node.minimum), maximum: unbounded(node.maximum) };
  const lo =
    n.minimum !== undefined
      ? `${n.minimum}`
      : n.exclusiveMinimum !== undefined
        ? `>${n.exclusiveMinimum}`
        : undefined;
  const hi =
    n.maximum !== undefined
      ? `${n.maximum}`
      : n.exclusiveMaximum !== undefined
        ? `<${n.exclusiveMaximum}`
        : undefined;
  if (lo !== undefined && hi !== undefined) return ` ${lo}..${hi}`;
  if (lo !== undefined) return n.minimum !== undefined ? ` ≥ ${lo}` : ` ${lo}`;
  if (hi !== undefined) return n.maximum !== undefined ? ` ≤ ${hi}` : ` ${hi}`;
  return '';
}

/** A short name for what a value may be, e.g. `integer 1..1024`, `list of string`. */
function typeOf(n: Node): string {
  if (n.const !== undefined) return JSON.stringify(n.const);
  if (n.enum) return n.enum.map((v) => JSON.stringify(v)).join(' or ');
  const options = n.anyOf ?? n.oneOf;
  if (options) return [...new Set(options.map(typeOf))].join(' or ');
  if (Array.isArray(n.type)) return n.type.map((t) => typeOf({ ...n, type: t })).join(' or ');
  switch (n.type) {
    case 'string':
      return n.format === 'uri' ? 'URL' : 'string';
    case 'number':
    case 'integer':
      return `${n.type === 'integer' ? 'integer' : 'number'}${range(n)}`;
    case 'boolean':
      return 'boolean';
    case 'array':
      return `list of ${n.items ? typeOf(n.items) : 'any'}`;
    case 'object':
      if (n.properties) return 'mapping';
      return typeof n.additionalProperties === 'object' &&
        Object.keys(n.additionalProperties).length > 0
        ? `mapping of name to ${typeOf(n.additionalProperties)}`
        : 'mapping';
    default:
      return 'any';
  }
}

function need(n: Node, required: boolean): string {
  if (required) return 'required';
  if (n.default === undefined) return '';
  const d = n.default;
  if (typeof d === 'object' && d !== null && Object.keys(d).length > 0) return 'see below';
  return `default ${code(JSON.stringify(d))}`;
}

/** The object branches of a union that picks its branch by `type`, or undefined. */
function typedBranches(n: Node): { name: string; node: Node }[] | undefined {
  const options = n.oneOf ?? n.anyOf;
  if (!options || options.length < 2) return undefined;
  const named = options.map((o) => ({ name: o.properties?.type?.const, node: o }));
  if (named.some((o) => typeof o.name !== 'string')) return undefined;
  return named as { name: string; node: Node }[];
}

/** The object branch of a union such as `string | {file}`, to document its keys. */
function objectBranch(n: Node): Node | undefined {
  if (n.type === 'object' && n.properties) return n;
  const objects = (n.anyOf ?? n.oneOf ?? []).filter((o) => o.type === 'object' && o.properties);
  return objects.length === 1 ? objects[0] : undefined;
}

/** Rows for an object's keys, nested objects flattened into dotted keys. */
function rows(n: Node, prefix: string, skip: ReadonlySet<string> = new Set()): Row[] {
  const out: Row[] = [];
  for (const [key, child] of Object.entries(n.properties ?? {})) {
    if (skip.has(key)) continue;
    const path = `${prefix}${key}`;
    out.push({
      key: path,
      type: typeOf(child),
      need: need(child, n.required?.includes(key) ?? false),
      description: child.description ?? '',
    });
    const inner =
      objectBranch(child) ?? (child.type === 'array' ? objectBranch(child.items ?? {}) : undefined);
    if (inner && !typedBranches(child)) {
      out.push(...rows(inner, `${path}${child.type === 'array' ? '[]' : ''}.`));
    }
  }
  return out;
}

/**
 * A union of typed objects (targets, scorers): the keys every branch shares once, then each
 * branch's own keys under its `type`.
 */
function unionSections(title: string, n: Node, intro: string): Section[] {
  const branches = typedBranches(n)!;
  const same = (key: string) => {
    const first = JSON.stringify(branches[0]!.node.properties?.[key]);
    return branches.every((b) => JSON.stringify(b.node.properties?.[key]) === first);
  };
  const shared = Object.keys(branches[0]!.node.properties ?? {}).filter(
    (k) => k !== 'type' && same(k),
  );
  const sharedSet = new Set(shared);
  const types = branches.map((b) => code(b.name)).join(', ');
  const sections: Section[] = [];
  if (shared.length > 0) {
    const common: Node = {
      properties: Object.fromEntries(shared.map((k) => [k, branches[0]!.node.properties![k]!])),
      required: branches[0]!.node.required,
    };
    sections.push({
      title: `${title}: keys of every type`,
      intro: `${intro} \`type\` is one of ${types}; each takes these keys and its own below.`,
      rows: rows(common, ''),
    });
  } else {
    sections.push({ title, intro: `${intro} \`type\` is one of ${types}.`, rows: [] });
  }
  // Branches with the same keys of their own share one section (openai and anthropic do).
  const groups = new Map<string, { names: string[]; rows: Row[] }>();
  for (const b of branches) {
    const own = rows(b.node, '', new Set([...sharedSet, 'type']));
    const key = JSON.stringify(own);
    const group = groups.get(key) ?? { names: [], rows: own };
    group.names.push(b.name);
    groups.set(key, group);
  }
  for (const g of groups.values()) {
    const which = g.names.map((n) => `\`${n}\``).join(', ');
    if (g.rows.length === 0) {
      if (groups.size > 1)
        sections.push({
          title: `${title}, type ${which}`,
          intro: 'No keys of their own.',
          rows: [],
        });
      continue;
    }
    sections.push({ title: `${title}, type ${which}`, rows: g.rows });
  }
  return sections;
}

function table(section: Section, level: string): string {
  const out = [`${level} ${section.title}`, ''];
  if (section.intro) out.push(section.intro, '');
  if (section.rows.length) {
    out.push('| Key | Type | Required / default | Description |', '| --- | --- | --- | --- |');
    for (const r of section.rows) {
      out.push(`| ${code(r.key)} | ${cell(r.type)} | ${cell(r.need)} | ${cell(r.description)} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** The whole page. */
export function renderConfigReference(): string {
  const root = z.toJSONSchema(configSchema, {
    io: 'input',
    unrepresentable: 'any',
  }) as unknown as Node;
  const props = root.properties!;
  const out = [
    '# Config reference',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run docs:config`; do not edit by hand. -->',
    '',
    'Every key `evals/evalgate.yaml` may hold, generated from the schema the loader validates',
    'against, so it cannot drift. For a walk-through with examples, see [Config](config.md).',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the config's own syntax, shown as is.
    'Every mapping is strict: an unknown key is an error, never ignored. `${VAR}` in any string',
    "is replaced from the environment; relative paths resolve against the config file's folder.",
    '',
  ];
  const topRows = Object.entries(props).map(([key, n]) => ({
    key,
    type: typeOf(n),
    need: need(n, root.required?.includes(key) ?? false),
    description: n.description ?? '',
  }));
  out.push(table({ title: 'Top level', rows: topRows }, '##'));

  const target = props.targets!.properties!.baseline!;
  out.push('## Targets', '');
  for (const s of unionSections(
    '`targets.baseline`, `targets.candidate`',
    target,
    'Both sides take the same keys.',
  )) {
    out.push(table(s, '###'));
  }
  const judge = props.judge!;
  out.push('## Judge and embeddings', '');
  for (const s of unionSections(
    '`judge`',
    judge,
    'The endpoint `llm_judge`, `faithfulness` and `answer_relevance` scorers call.',
  )) {
    out.push(table(s, '###'));
  }
  out.push(
    table(
      {
        title: '`embeddings`',
        intro:
          'An OpenAI-compatible `/embeddings` endpoint, for `embedding_similarity`. Its keys are those of an `openai` target, plus:',
        rows: rows(props.embeddings!, '', new Set(Object.keys(target.oneOf![0]!.properties!))),
      },
      '###',
    ),
  );

  out.push('## Scorers', '');
  for (const s of unionSections(
    "`scorers[]` and a case's `assert[]`",
    props.scorers!.items!,
    "Each scorer yields a score on 0..1; a case's score is their weighted mean, and it passes when every scorer meets its threshold.",
  )) {
    out.push(table(s, '###'));
  }

  for (const key of ['budgets', 'slices', 'gate', 'run', 'live'] as const) {
    const n = objectBranch(props[key]!)!;
    out.push(
      table(
        { title: code(key), intro: sentence(props[key]!.description), rows: rows(n, `${key}.`) },
        '##',
      ),
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}

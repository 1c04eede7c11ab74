import { createHash } from 'node:crypto';
import type { Substitution } from '../config/interpolate.js';
import { secretValues } from '../config/secret-values.js';
import type { Plan } from '../engine.js';
import type { InputProblem } from '../errors.js';
import { canonicalJson } from '../report/fingerprint.js';
import type { ShardMeta } from '../types.js';
import { FILE_LIMITS, readBounded } from '../util/read-bounded.js';
import { replaceSpans, type Span } from '../util/redact.js';

function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * The config file's bytes as a digest. Shards must share the whole config — targets, budgets,
 * slices, the gate — where `fingerprints.config` covers only what scores an answer. The file as
 * written, before `${VAR}` is filled in, so no secret goes into the digest, and a different
 * `--concurrency` per shard does not count as a different config.
 */
export function configFileDigest(file: string): string {
  return sha256(readBounded(file, FILE_LIMITS.config));
}

/**
 * A file's content as a digest: the `--baseline-report`'s, taken when it is read. The report
 * names the recording only by the path it was given, and a path says nothing of what the file
 * held: shards compared with one recording and a merge given another would judge the candidate
 * against answers it never met.
 */
export function contentDigest(text: string): string {
  return sha256(text);
}

/**
 * What `${VAR}` made of the config: every string that held one, as it became, by where it is, as
 * a digest. The file's digest cannot see them, yet shards run with another `MODEL` or budget are
 * not parts of one run. Whole strings, defaults included: a shard where `MODEL` is unset and
 * `${MODEL:-gpt-4o}` fell back, and one where `MODEL=gpt-4o`, ran the same config and digest the
 * same. A value read from the environment that may be a credential counts only by where it went,
 * never by what it is: it is cut out of the string first, so no secret goes into the digest (nor
 * does a key that differs per job).
 */
export function configValuesDigest(
  filled: readonly Substitution[],
  substituted: readonly Substitution[],
): string {
  return sha256(canonicalJson(cutValues(filled, substituted)));
}

/** Every filled-in string by its field, secrets cut out, sorted by field: what the digests take. */
function cutValues(
  filled: readonly Substitution[],
  substituted: readonly Substitution[],
): (readonly [string, string])[] {
  // Cut here, not by createRedactor: that masks for display and leaves values too short to be
  // told from ordinary text; here every value that may be a credential goes.
  const secrets = [...new Set(secretValues(substituted))].filter((s) => s !== '');
  return filled
    .map(({ at, value }) => [at.join('.'), cutSecrets(value, secrets)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What `${VAR}` made of the config, as the shards record it and the merge checks it. */
export interface ConfigValues {
  /** configValuesDigest: `meta.shard.config_values`. */
  digest: string;
  /**
   * The same, one digest per field (`budgets.quality.max_drop`): `meta.shard.config_value_fields`,
   * so that the merge can name the field whose value differs without knowing any value.
   */
  fields: Record<string, string>;
  /**
   * Fields where a `${VAR}` was not set (validate and merge, which need no keys): they hold a
   * placeholder, so their digest says nothing of what a shard filled in.
   */
  unset: string[];
}

export function configValues(
  filled: readonly Substitution[],
  substituted: readonly Substitution[],
  unset: readonly InputProblem[],
): ConfigValues {
  const byField = new Map<string, string[]>();
  for (const [field, value] of cutValues(filled, substituted)) {
    byField.set(field, [...(byField.get(field) ?? []), value]);
  }
  const fields: Record<string, string> = {};
  // A list per field: two keys that join to one path (a header named `a.b`) stay apart.
  for (const [field, values] of byField) fields[field] = sha256(canonicalJson(values));
  return {
    digest: configValuesDigest(filled, substituted),
    fields,
    unset: [...new Set(unset.flatMap((n) => (n.path ? [n.path] : [])))],
  };
}

/** What stands for a secret in configValuesDigest: a character configs have no use for. */
const SECRET_MARK = '\u0000';

/**
 * `value` with every place a secret occurs in it replaced by SECRET_MARK, one mark per run of
 * secrets that touch or overlap (see replaceSpans).
 */
export function cutSecrets(value: string, secrets: readonly string[]): string {
  const places: Span[] = [];
  for (const secret of secrets) {
    for (let i = value.indexOf(secret); i !== -1; i = value.indexOf(secret, i + 1)) {
      places.push([i, i + secret.length]);
    }
  }
  return replaceSpans(value, places, SECRET_MARK);
}

/** `meta.shard` of a shard report: which part it is and what the merge checks it against. */
export function shardMeta(plan: Plan): ShardMeta | undefined {
  const shard = plan.options.shard;
  if (!shard) return undefined;
  const values = plan.configValues;
  return {
    index: shard.index,
    count: shard.count,
    cases: plan.cases.length,
    config_file: configFileDigest(plan.loaded.file),
    ...(values ? { config_values: values.digest, config_value_fields: values.fields } : {}),
    ...(plan.storedBaseline?.digest ? { baseline_report: plan.storedBaseline.digest } : {}),
  };
}

import { createHash } from 'node:crypto';
import type { Substitution } from '../config/interpolate.js';
import { secretValues } from '../config/secret-values.js';
import type { Plan } from '../engine.js';
import { canonicalJson } from '../report/fingerprint.js';
import type { ShardMeta } from '../types.js';
import { FILE_LIMITS, readBounded } from '../util/read-bounded.js';

/**
 * The config file's bytes as a digest. Shards must share the whole config — targets, budgets,
 * slices, the gate — where `fingerprints.config` covers only what scores an answer. The file as
 * written, before `${VAR}` is filled in, so no secret goes into the digest, and a different
 * `--concurrency` per shard does not count as a different config.
 */
export function configFileDigest(file: string): string {
  return `sha256:${createHash('sha256').update(readBounded(file, FILE_LIMITS.config)).digest('hex')}`;
}

/**
 * What `${VAR}` became in the config: each value read from the environment, by where it went, as
 * a digest. The file's digest cannot see them, yet shards run with another `MODEL` or budget are
 * not parts of one run. A value that may be a credential counts only by where it went, never by
 * what it is, so no secret goes into the digest (nor does a key that differs per job).
 */
export function configValuesDigest(substituted: readonly Substitution[]): string {
  const secret = new Set(secretValues(substituted));
  const values = substituted
    .map(({ at, value }) => [at.join('.'), secret.has(value) ? null : value] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `sha256:${createHash('sha256').update(canonicalJson(values)).digest('hex')}`;
}

/** `meta.shard` of a shard report: which part it is and what the merge checks it against. */
export function shardMeta(plan: Plan): ShardMeta | undefined {
  const shard = plan.options.shard;
  if (!shard) return undefined;
  return {
    index: shard.index,
    count: shard.count,
    cases: plan.cases.length,
    config_file: configFileDigest(plan.loaded.file),
    ...(plan.configValues ? { config_values: plan.configValues } : {}),
  };
}

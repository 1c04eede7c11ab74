import { createHash } from 'node:crypto';
import type { Plan } from '../engine.js';
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

/** `meta.shard` of a shard report: which part it is and what the merge checks it against. */
export function shardMeta(plan: Plan): ShardMeta | undefined {
  const shard = plan.options.shard;
  if (!shard) return undefined;
  return {
    index: shard.index,
    count: shard.count,
    cases: plan.cases.length,
    config_file: configFileDigest(plan.loaded.file),
  };
}

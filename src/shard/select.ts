import { createHash } from 'node:crypto';
import { caseCluster } from '../compare/clusters.js';
import type { Config } from '../config/schema.js';
import { InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import type { GoldenCase } from '../types.js';

/** One part of a sharded run: `index` of `count`, both from 1 (`--shard 2/3`). */
export interface Shard {
  index: number;
  count: number;
}

/** More shards than this is a typo: a GitHub matrix holds at most 256 jobs. */
export const MAX_SHARDS = 256;

/** `I/N` as typed on the command line or in the Action's `shard` input. */
export function parseShard(raw: string, field: string): Shard {
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(raw);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new InputError({
      path: field,
      message: `must be I/N with 1 ≤ I ≤ N ≤ ${MAX_SHARDS} (e.g. 2/3), got "${escapeTerminal(raw, 40)}"`,
    });
  }
  return { index, count };
}

/**
 * What decides a case's shard: the cluster it belongs to when it has one, else its own id. Cases
 * that must be judged together (one conversation, one `gate.cluster_by` value) share a key, so a
 * cluster never splits across shards. The one place a new kind of cluster is plugged in.
 */
export function shardKey(c: GoldenCase, config: Config): string {
  const cluster = caseCluster(c, config.gate.cluster_by);
  return cluster === undefined ? `id:${c.id}` : `cluster:${cluster}`;
}

/**
 * The shard (1..count) a key falls in: the first 48 bits of its SHA-256, modulo count. A stable
 * hash, not the case's position, so adding a case moves no other case to another shard, and the
 * same key lands in the same shard on every machine and in every release that keeps this function.
 */
export function shardOf(key: string, count: number): number {
  const h = createHash('sha256').update('evalgate-shard\0').update(key).digest();
  return (h.readUIntBE(0, 6) % count) + 1;
}

/** Which shard `c` belongs in. */
export function caseShard(c: GoldenCase, config: Config, count: number): number {
  return shardOf(shardKey(c, config), count);
}

/** The cases of one shard, in dataset order. */
export function selectShard(cases: GoldenCase[], config: Config, shard: Shard): GoldenCase[] {
  return cases.filter((c) => caseShard(c, config, shard.count) === shard.index);
}

/** How a shard report says what it is: never a decision of its own. */
export function shardSummary(shard: Shard, cases: number): string {
  return `shard ${shard.index}/${shard.count}: ${cases} case${cases === 1 ? '' : 's'} answered; not a decision — merge the shard reports with evalgate merge`;
}

import { createHash } from 'node:crypto';
import { caseCluster } from '../compare/clusters.js';
import { conversationClusters } from '../compare/conversations.js';
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
 * What decides each case's shard: the cluster it belongs to when it has one, else its own id.
 * Cases that must be judged together (one `gate.cluster_by` value or, without it, one
 * conversation: src/compare/conversations.ts) share a key, so a cluster never splits across
 * shards. Keys depend on the whole golden set (a conversation is found by its cases' turns), which
 * every shard and the merge read in full. The one place a new kind of cluster is plugged in.
 */
export function shardKeys(cases: readonly GoldenCase[], config: Config): string[] {
  const clusterBy = config.gate.cluster_by;
  const clusters = clusterBy
    ? cases.map((c) => caseCluster(c, clusterBy))
    : conversationClusters(cases);
  return cases.map((c, i) => {
    const cluster = clusters[i];
    return cluster === undefined ? `id:${c.id}` : `cluster:${cluster}`;
  });
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

/** Which shard each case belongs in, in dataset order. */
export function caseShards(cases: readonly GoldenCase[], config: Config, count: number): number[] {
  return shardKeys(cases, config).map((key) => shardOf(key, count));
}

/** The cases of one shard, in dataset order. */
export function selectShard(cases: GoldenCase[], config: Config, shard: Shard): GoldenCase[] {
  const shards = caseShards(cases, config, shard.count);
  return cases.filter((_, i) => shards[i] === shard.index);
}

/** How a shard report says what it is: never a decision of its own. */
export function shardSummary(shard: Shard, cases: number): string {
  return `shard ${shard.index}/${shard.count}: ${cases} case${cases === 1 ? '' : 's'} answered; not a decision — merge the shard reports with evalgate merge`;
}

import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { InputError } from '../../src/errors.js';
import {
  caseShards,
  parseShard,
  type Shard,
  selectShard,
  shardOf,
} from '../../src/shard/select.js';
import { goldenCase, goldenCases } from '../helpers/golden-case.js';

const config = (extra = '') =>
  parseConfig(
    `version: 1
dataset: g.jsonl
targets:
  baseline: {type: openai, base_url: http://127.0.0.1:1/v1, model: a}
  candidate: {type: openai, base_url: http://127.0.0.1:1/v1, model: b}
scorers: [{type: exact}]
${extra}`,
    'evalgate.yaml',
  ).config;

describe('parseShard', () => {
  it('reads I/N and refuses anything else with the field named', () => {
    expect(parseShard('2/3', '--shard')).toEqual({ index: 2, count: 3 });
    expect(parseShard(' 1 / 1 ', '--shard')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '3', '', '1/0', '-1/3', '1.5/3', '1/257', '2/3/4']) {
      expect(() => parseShard(bad, 'with.shard'), bad).toThrow(InputError);
      try {
        parseShard(bad, 'with.shard');
      } catch (err) {
        expect((err as InputError).problems[0]!.path).toBe('with.shard');
      }
    }
  });
});

describe('choosing a shard', () => {
  it('is a stable hash: the same key lands in the same shard in every release', () => {
    // Pinned: a change here re-cuts every user's shards between a run and its merge.
    expect([1, 2, 3, 4, 5].map((i) => shardOf(`id:case-${i}`, 3))).toEqual([1, 1, 1, 1, 2]);
    expect(shardOf('cluster:metadata.conv=c1', 7)).toBe(3);
    expect(shardOf('id:case-1', 1)).toBe(1);
  });

  it('splits cases evenly and completely, without overlap, in dataset order', () => {
    const cases = goldenCases(8000);
    const cfg = config();
    const parts = [1, 2, 3, 4].map((index) => selectShard(cases, cfg, { index, count: 4 }));
    for (const p of parts) {
      // Binomial(8000, 1/4): sd ≈ 39; 5 sd either side.
      expect(Math.abs(p.length - 2000)).toBeLessThan(200);
      expect(p).toEqual([...p].sort((a, b) => cases.indexOf(a) - cases.indexOf(b)));
    }
    const ids = parts.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(8000);
    expect(ids.length).toBe(8000);
  });

  it('never splits a cluster: cases sharing gate.cluster_by go to one shard', () => {
    const cfg = config('gate: {cluster_by: metadata.conv}');
    const cases = Array.from({ length: 600 }, (_, i) =>
      goldenCase({ id: `t-${i}`, metadata: i % 5 === 0 ? {} : { conv: `c${i % 40}` } }),
    );
    const shard: Shard = { index: 1, count: 5 };
    const byConv = new Map<string, Set<number>>();
    const shards = caseShards(cases, cfg, shard.count);
    for (const [i, c] of cases.entries()) {
      const conv = c.metadata.conv as string | undefined;
      if (!conv) continue;
      const set = byConv.get(conv) ?? new Set();
      set.add(shards[i]!);
      byConv.set(conv, set);
    }
    expect(byConv.size).toBe(32);
    for (const set of byConv.values()) expect(set.size).toBe(1);
    // Cases without a value are shard-keyed by their id, and spread like any other.
    const all5 = caseShards(cases, cfg, 5);
    const spread = new Set(all5.filter((_, i) => !cases[i]!.metadata.conv));
    expect(spread.size).toBe(5);
  });
});

import type { GoldenCase } from '../types.js';

/**
 * The cluster a case belongs to under `gate.cluster_by: metadata.<key>`, e.g.
 * `metadata.conversation_id=c17`; undefined when the case does not carry the key (it is then a
 * cluster of its own).
 */
export function caseCluster(c: GoldenCase, by: string | undefined): string | undefined {
  if (!by) return undefined;
  const v = c.metadata[by.slice('metadata.'.length)];
  if (v === undefined || v === null || v === '') return undefined;
  return `${by}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
}

/**
 * Dense cluster indices (0..G−1) for a list of cluster labels, a case without a label being a
 * cluster of its own. Returns undefined when every cluster has one case: the cluster-robust
 * interval would then be the ordinary one.
 */
export function clusterIndex(
  labels: readonly (string | undefined)[],
): { groups: Uint32Array; count: number } | undefined {
  const ids = new Map<string, number>();
  const groups = new Uint32Array(labels.length);
  let next = 0;
  let shared = false;
  labels.forEach((label, i) => {
    if (label === undefined) {
      groups[i] = next++;
      return;
    }
    const known = ids.get(label);
    if (known !== undefined) {
      groups[i] = known;
      shared = true;
    } else {
      ids.set(label, next);
      groups[i] = next++;
    }
  });
  return shared ? { groups, count: next } : undefined;
}

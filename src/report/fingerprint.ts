import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Fingerprints } from '../types.js';
import { FILE_LIMITS, readBounded } from '../util/read-bounded.js';

// A recorded baseline is only a fair comparison while the questions and the marking scheme are
// the same. Reports carry digests of both so that a later `--baseline-report` run can say when
// they are not, without storing the dataset or anything secret in the report.

function digest(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** JSON with object keys sorted at every depth: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
    return sorted;
  });
}

/** A target as it bears on scoring: headers go (they carry keys), the rest stays. */
function withoutSecrets(target: Config['judge']): unknown {
  if (!target) return null;
  const { headers: _headers, ...rest } = target;
  return rest;
}

/**
 * The part of the config that decides how an answer is measured and scored: scorers, the judge
 * and embeddings targets, and the run settings that change what counts as an error. Targets
 * under test, budgets, slices and the gate are left out on purpose: a pull request is expected
 * to change them, and none of them changes a recorded score.
 */
export function configFingerprint(config: Config): string {
  return digest(
    canonicalJson({
      scorers: config.scorers,
      judge: withoutSecrets(config.judge),
      embeddings: withoutSecrets(config.embeddings),
      run: {
        timeout_ms: config.run.timeout_ms,
        retries: config.run.retries,
        repeats: config.run.repeats,
      },
    }),
  );
}

/** Digests of each dataset file's bytes, keyed by the file name as the report shows it. */
export function datasetFingerprints(
  files: readonly { name: string; path: string }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  // Read again once the run is under way: bounded, in case the file was swapped for a pipe.
  for (const f of files) out[f.name] = digest(readBounded(f.path, FILE_LIMITS.dataset));
  return out;
}

function list(names: string[]): string {
  const shown = names.slice(0, 5).join(', ');
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

/** Warnings for a run compared with a recording whose dataset or config differs from its own. */
export function fingerprintWarnings(
  recorded: Fingerprints | undefined,
  current: Fingerprints,
  recordingFile: string,
): string[] {
  if (!recorded) {
    return [
      `${recordingFile} carries no fingerprints (recorded by an older evalgate): ` +
        'cannot tell whether its dataset and config match this run',
    ];
  }
  const warnings: string[] = [];
  const then = recorded.datasets;
  const now = current.datasets;
  // Same contents under other names (a rename, another working directory) is the same dataset.
  const same =
    canonicalJson(Object.values(then).sort()) === canonicalJson(Object.values(now).sort());
  if (!same) {
    const changed = Object.keys(now).filter((f) => f in then && then[f] !== now[f]);
    const added = Object.keys(now).filter((f) => !(f in then));
    const removed = Object.keys(then).filter((f) => !(f in now));
    const parts = [
      changed.length ? `changed: ${list(changed)}` : '',
      added.length ? `not in the recording: ${list(added)}` : '',
      removed.length ? `no longer used: ${list(removed)}` : '',
    ].filter(Boolean);
    warnings.push(
      `the dataset differs from the one recorded in ${recordingFile} (${parts.join('; ')}): ` +
        'cases are paired by id, so an edited case compares answers to different questions',
    );
  }
  if (recorded.config !== current.config) {
    warnings.push(
      `the config differs from the one recorded in ${recordingFile} in how answers are scored ` +
        '(scorers, judge, embeddings, or run timeout_ms/retries/repeats): ' +
        'the recorded scores may not be comparable; record the baseline again',
    );
  }
  return warnings;
}

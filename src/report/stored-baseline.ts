import * as z from 'zod';
import { InputError } from '../errors.js';
import { answerFigures } from '../schema/measures.js';
import type { Fingerprints, Side, SideResult, StoredBaselineMatch } from '../types.js';
import { MAX_NESTING, tooDeep } from '../util/nesting.js';
import { canonicalJson } from './fingerprint.js';

export interface StoredBaseline {
  file: string;
  /** The recorded side of that run (its candidate, or its baseline for `--only baseline`), by id. */
  byId: Map<string, SideResult>;
  model?: string;
  datasets: string[];
  recordedAt?: string;
  /** Absent in reports written before evalgate recorded them. */
  fingerprints?: Fingerprints;
  /** What each recorded case sent (askedDigest), by id: an edited case is a different question. */
  asked: Map<string, string>;
  /**
   * `sha256:` of the file's bytes, taken when it was read: what a shard records of it and a merge
   * checks (a path says nothing of what the file held), never read again as the run ends.
   */
  digest?: string;
}

/**
 * What a case sends, as one string: its input, conversation and passages. A recording's cases
 * carry them (masked); two digests differ exactly when the case asks something else now.
 */
export function askedDigest(c: { input?: unknown; messages?: unknown; context?: unknown }): string {
  return canonicalJson([c.input ?? null, c.messages ?? null, c.context ?? null]);
}

function isFingerprints(v: unknown): v is Fingerprints {
  const f = v as Fingerprints;
  return (
    f !== null &&
    typeof f === 'object' &&
    typeof f.config === 'string' &&
    f.datasets !== null &&
    typeof f.datasets === 'object' &&
    Object.values(f.datasets).every((d) => typeof d === 'string')
  );
}

/**
 * A recorded answer, checked as strictly as our own reports write it (the same ranges as the
 * report's schema): a hand-edited or foreign file must fail here, with a field path, not later
 * inside the statistics, and not be copied into a report that `view` and `merge` then refuse.
 * Fields the comparison does not read (reasons, steps...) are kept as they are.
 */
const recordedSide = z.looseObject({
  output: z.string().nullable(),
  ...answerFigures,
  error: z.object({ kind: z.string(), message: z.string() }).nullable(),
});

/**
 * Parses a report written by `evalgate run`, typically `--only candidate` on main: its candidate
 * side is our baseline now. A recording made with `--only baseline` has only a baseline side, and
 * that side is used instead.
 */
/** Levels a report puts around a case's own values: cases[i].candidate.expected and the like. */
const REPORT_LEVELS = 8;

export function parseStoredBaseline(text: string, file: string): StoredBaseline {
  let json: {
    schema_version?: unknown;
    cases?: ({ id?: unknown; input?: unknown; messages?: unknown; context?: unknown } & Partial<
      Record<Side, unknown>
    >)[];
    meta?: {
      only?: unknown;
      models?: Partial<Record<Side, string>>;
      datasets?: string[];
      started_at?: unknown;
      fingerprints?: unknown;
    };
  };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError({
      file,
      message: `baseline report is not valid JSON (${(err as Error).message})`,
    });
  }
  // A case nests at most MAX_NESTING levels (src/dataset), and a report adds a few around it.
  // Anything deeper is not a recording: pretty-printed again into the new report, 100 KB nested
  // 50,000 deep would come out as gigabytes.
  const deep = tooDeep(json, MAX_NESTING + REPORT_LEVELS);
  if (deep) {
    throw new InputError({
      file,
      path: deep.slice(0, 6).join('.'),
      message: `nests more than ${MAX_NESTING + REPORT_LEVELS} levels of arrays and objects; not an evalgate report`,
    });
  }
  if (json?.schema_version !== 1) {
    throw new InputError({
      file,
      path: 'schema_version',
      message: 'not an evalgate report (schema_version must be 1)',
    });
  }
  if (!Array.isArray(json.cases))
    throw new InputError({ file, path: 'cases', message: 'must be an array' });
  const side: Side = json.meta?.only === 'baseline' ? 'baseline' : 'candidate';
  const byId = new Map<string, SideResult>();
  const asked = new Map<string, string>();
  json.cases.forEach((c, i) => {
    if (typeof c?.id !== 'string')
      throw new InputError({ file, path: `cases.${i}.id`, message: 'must be a string' });
    if (c[side] === undefined) return;
    // A report written without the question (a foreign or trimmed file) cannot tell: paired as before.
    if (c.input !== undefined || c.messages !== undefined) asked.set(c.id, askedDigest(c));
    const recorded = recordedSide.safeParse(c[side]);
    if (!recorded.success) {
      const issue = recorded.error.issues[0]!;
      throw new InputError({
        file,
        path: [`cases.${i}.${side}`, ...issue.path.map(String)].join('.'),
        message: `is not a recorded result: ${issue.message}`,
      });
    }
    byId.set(c.id, recorded.data as SideResult);
  });
  if (byId.size === 0)
    throw new InputError({
      file,
      message: `baseline report has no ${side} results to compare against`,
    });
  const meta = json.meta;
  return {
    file,
    byId,
    asked,
    model: meta?.models?.[side],
    datasets: meta?.datasets ?? [],
    ...(typeof meta?.started_at === 'string' ? { recordedAt: meta.started_at } : {}),
    ...(isFingerprints(meta?.fingerprints) ? { fingerprints: meta.fingerprints } : {}),
  };
}

function someIds(ids: string[]): string {
  const shown = ids
    .slice(0, 5)
    .map((id) => JSON.stringify(id.length > 80 ? `${id.slice(0, 79)}…` : id))
    .join(', ');
  return ids.length > 5 ? `${shown} and ${ids.length - 5} more` : shown;
}

/**
 * How a recording lines up with this run's cases, paired by id, and a warning for each side
 * that has cases the other lacks (those are not compared, which the reader must know).
 */
export function matchStoredBaseline(
  stored: StoredBaseline,
  caseIds: readonly string[],
  /** What each case of this run sends (askedDigest, masked as the recording is), by id. */
  asked?: (id: string) => string,
): { match: StoredBaselineMatch; warnings: string[]; changed: ReadonlySet<string> } {
  const ids = new Set(caseIds);
  // Answers to another question are no baseline: an edited case with the same id is left out.
  const changed = asked
    ? caseIds.filter((id) => {
        const then = stored.asked.get(id);
        return then !== undefined && stored.byId.has(id) && then !== asked(id);
      })
    : [];
  const changedSet = new Set(changed);
  const notRecorded = caseIds.filter((id) => !stored.byId.has(id));
  const notInDataset = [...stored.byId.keys()].filter((id) => !ids.has(id));
  const warnings: string[] = [];
  if (changed.length) {
    warnings.push(
      `${changed.length} case(s) send something else than when ${stored.file} was recorded (their input, conversation or passages changed) and were not compared: ${someIds(changed)}`,
    );
  }
  if (notRecorded.length) {
    warnings.push(
      `${notRecorded.length} case(s) are not in the baseline report ${stored.file} and were not compared: ${someIds(notRecorded)}`,
    );
  }
  if (notInDataset.length) {
    warnings.push(
      `${notInDataset.length} case(s) in the baseline report ${stored.file} are no longer in the dataset: ${someIds(notInDataset)}`,
    );
  }
  return {
    match: {
      file: stored.file,
      ...(stored.recordedAt ? { recorded_at: stored.recordedAt } : {}),
      paired: caseIds.length - notRecorded.length - changed.length,
      not_recorded: notRecorded,
      not_in_dataset: notInDataset,
      ...(changed.length ? { changed } : {}),
    },
    changed: changedSet,
    warnings,
  };
}

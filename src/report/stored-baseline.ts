import { InputError } from '../errors.js';
import type { SideResult } from '../types.js';

export interface StoredBaseline {
  file: string;
  /** The recorded candidate side of that run, by case id: it is our baseline now. */
  byId: Map<string, SideResult>;
  model?: string;
  datasets: string[];
}

function isSideResult(v: unknown): v is SideResult {
  const r = v as SideResult;
  return (
    r !== null &&
    typeof r === 'object' &&
    typeof r.score === 'number' &&
    typeof r.pass === 'boolean' &&
    typeof r.latency_ms === 'number' &&
    typeof r.cost_usd === 'number'
  );
}

/** Parses a report written by `evalgate run` (typically `--only candidate` on main). */
export function parseStoredBaseline(text: string, file: string): StoredBaseline {
  let json: {
    schema_version?: unknown;
    cases?: { id?: unknown; candidate?: unknown }[];
    meta?: { models?: { candidate?: string }; datasets?: string[] };
  };
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError({
      file,
      message: `baseline report is not valid JSON (${(err as Error).message})`,
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
  const byId = new Map<string, SideResult>();
  json.cases.forEach((c, i) => {
    if (typeof c?.id !== 'string')
      throw new InputError({ file, path: `cases.${i}.id`, message: 'must be a string' });
    if (c.candidate === undefined) return;
    if (!isSideResult(c.candidate)) {
      throw new InputError({
        file,
        path: `cases.${i}.candidate`,
        message: 'is not a recorded result (score, pass, latency_ms, cost_usd)',
      });
    }
    byId.set(c.id, c.candidate);
  });
  if (byId.size === 0)
    throw new InputError({
      file,
      message: 'baseline report has no candidate results to compare against',
    });
  return { file, byId, model: json.meta?.models?.candidate, datasets: json.meta?.datasets ?? [] };
}

import path from 'node:path';
import type { Config, TargetConfig } from '../config/schema.js';
import type { InputProblem } from '../errors.js';
import type { Side } from '../types.js';
import type { Redact } from '../util/redact.js';
import { ResponseCache } from './cache.js';
import type { RunOptions, SideOptions } from './run-pairs.js';

/** Anthropic's Messages API needs max_tokens; the dialect sends this when the config does not. */
const ANTHROPIC_DEFAULT_MAX_TOKENS = 1024;
/** Output tokens assumed per call when nothing bounds them, until replies show the average. */
const DEFAULT_OUTPUT_GUESS = 256;

/** Output tokens per call before any reply says: the max_tokens sent, else a round guess. */
export function outputTokensGuess(cfg: TargetConfig): number {
  if (cfg.type !== 'http') {
    const p = cfg.params ?? {};
    for (const name of ['max_tokens', 'max_completion_tokens', 'max_output_tokens']) {
      const v = p[name];
      if (typeof v === 'number' && v > 0) return v;
    }
    if (cfg.type === 'anthropic') return ANTHROPIC_DEFAULT_MAX_TOKENS;
  }
  return DEFAULT_OUTPUT_GUESS;
}

/**
 * How an http app's reply is read is not in the request: a changed dot path must not reuse
 * answers read through the old one. The tool-call and passage paths join the salt only when set,
 * so the keys of apps without them stay as they were.
 */
function httpSalt(cfg: Extract<TargetConfig, { type: 'http' }>): string {
  const parts: unknown[] = [cfg.type, cfg.output, cfg.usage ?? null];
  if (cfg.tool_calls !== undefined || cfg.context !== undefined)
    parts.push(cfg.tool_calls ?? null, cfg.context ?? null);
  return JSON.stringify(parts);
}

/** Whether `side` answers from the cache: the target's own `cache` key, else run.cache's. */
function cacheFor(config: Config, side: Side): boolean {
  const cache = config.run.cache;
  if (!cache) return false;
  return config.targets[side].cache ?? cache[side];
}

/**
 * Checks the run settings that depend on more than one key, for `prepare()`: everything found
 * here is bad input, reported before anything is sent.
 */
export function runSettingProblems(config: Config, sides: Side[], file: string): InputProblem[] {
  const problems: InputProblem[] = [];
  if (config.run.max_cost_usd !== undefined) {
    for (const side of sides) {
      if (!config.targets[side].price) {
        problems.push({
          file,
          path: `targets.${side}.price`,
          message: 'run.max_cost_usd is set, so this target needs a price to count what it spends',
        });
      }
    }
  }
  for (const side of sides) {
    if (config.targets[side].cache && !config.run.cache) {
      problems.push({
        file,
        path: `targets.${side}.cache`,
        message: 'needs run.cache (at least `cache: {}`) to say where answers are kept',
      });
    }
  }
  return problems;
}

/**
 * The runner's options from the config: repeats, per-target limits and cache, the cost budget.
 * `secrets` are the keys read for the targets, kept out of cache keys wherever they appear.
 */
export function runSettings(
  config: Config,
  sides: Side[],
  configDir: string,
  secrets: readonly string[],
  onWarning: (message: string) => void,
  /** Every secret of the run: an answer quoting one is not cached. */
  redact?: Redact,
): Pick<RunOptions, 'repeats' | 'sides' | 'cache' | 'maxCostUsd'> {
  const perSide: Partial<Record<Side, SideOptions>> = {};
  let anyCache = false;
  for (const side of sides) {
    const cfg = config.targets[side];
    const cache = cacheFor(config, side);
    anyCache ||= cache;
    perSide[side] = {
      limits: { rpm: cfg.rpm, tpm: cfg.tpm },
      cache,
      cacheSalt: cfg.type === 'http' ? httpSalt(cfg) : cfg.type,
      outputTokensGuess: outputTokensGuess(cfg),
    };
  }
  const dir = config.run.cache?.dir;
  return {
    repeats: config.run.repeats,
    sides: perSide,
    cache:
      anyCache && dir
        ? new ResponseCache(path.resolve(configDir, dir), secrets, onWarning, redact)
        : undefined,
    maxCostUsd: config.run.max_cost_usd,
  };
}

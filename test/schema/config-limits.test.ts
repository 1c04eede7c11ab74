// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` is the config's own syntax.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, MAX_HEADERS, MAX_PARAMS } from '../../src/config/schema.js';
import { schemaFiles } from '../../src/schema/json.js';
import { MINIMAL } from '../config/helpers.js';

// The published config schema (made in-process, as `npm run schema` makes schema/) refuses what
// the program refuses on the limits zod states as refinements and transforms, which its JSON
// Schema generator cannot read: a budget past its range, a negative percent, too many headers or
// parameters. Each case is put to both, and both must say the same.

/** A config as YAML parses it; the tests reach only into a target. */
type Config = { targets: { candidate: Record<string, unknown> }; [key: string]: unknown };

const published = JSON.parse(schemaFiles()['schema/config.schema.json']!);
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
  published,
);

const base = (): Config => parse(MINIMAL) as Config;
const withBudget = (metric: string, key: string, value: unknown): Config => ({
  ...base(),
  budgets: { [metric]: { [key]: value } },
});
const withEntries = (field: 'headers' | 'params', n: number): Config => {
  const config = base();
  config.targets.candidate[field] = Object.fromEntries(
    Array.from({ length: n }, (_, i) => [`x-h${i}`, `v${i}`]),
  );
  return config;
};

/** Whether the program accepts `config`, and whether the published schema does. */
const verdicts = (config: Config) => ({
  program: configSchema.safeParse(config, { jitless: true }).success,
  schema: validate(config) as boolean,
});

describe('the published config schema on the limits the program checks', () => {
  it('accepts a valid config', () => {
    expect(verdicts(base())).toEqual({ program: true, schema: true });
    expect(
      verdicts({
        ...base(),
        budgets: {
          quality: { max_drop: '2%' },
          pass_rate: { max_drop: 0.05 },
          error_rate: { max: 1 },
          latency_p95: { max_increase: '20%' },
          cost: { max_increase: 100 },
        },
      }),
    ).toEqual({ program: true, schema: true });
  });

  it.each([
    ['budgets.quality.max_drop: 1.5', withBudget('quality', 'max_drop', 1.5)],
    ['budgets.latency_p95.max_increase: "-20%"', withBudget('latency_p95', 'max_increase', '-20%')],
    [`${MAX_HEADERS + 1} headers`, withEntries('headers', MAX_HEADERS + 1)],
    [`${MAX_PARAMS + 1} params`, withEntries('params', MAX_PARAMS + 1)],
  ])('refuses %s, as the program does', (_, config) => {
    expect(verdicts(config)).toEqual({ program: false, schema: false });
  });

  it('takes exactly as many headers and params as the program', () => {
    expect(verdicts(withEntries('headers', MAX_HEADERS))).toEqual({ program: true, schema: true });
    expect(verdicts(withEntries('params', MAX_PARAMS))).toEqual({ program: true, schema: true });
  });

  it('agrees with the program on each budget form at and around its bounds', () => {
    const values = [
      0,
      -0,
      1,
      1.0000001,
      -0.01,
      100,
      100.5,
      0.2,
      '0%',
      '-0%',
      '-0.0 %',
      ' 20 % ',
      '100%',
      '100.0%',
      '0100%',
      '100.01%',
      '101%',
      '99.999%',
      '-1%',
      '-0.5%',
      '10000%',
      '10000.00%',
      '10001%',
      '1e2%',
      '20',
      '%',
      '20%%',
      '.5%',
      '5.%',
      'abc',
      '20%\n',
    ];
    const forms = [
      ['quality', 'max_drop'],
      ['error_rate', 'max'],
      ['cost', 'max_increase'],
    ] as const;
    for (const [metric, key] of forms)
      for (const value of values) {
        const { program, schema } = verdicts(withBudget(metric, key, value));
        expect(schema, `${metric}.${key}: ${JSON.stringify(value)}`).toBe(program);
      }
  });

  it('lets an editor accept ${VAR} in a budget, which is filled in before validation', () => {
    expect(validate(withBudget('quality', 'max_drop', '${MAX_DROP}'))).toBe(true);
    expect(validate(withBudget('cost', 'max_increase', '${COST_PCT}%'))).toBe(true);
  });
});

// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` is the config's own syntax.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaFiles } from '../../src/schema/json.js';
import { ROOT } from '../helpers/workspace.js';

// The committed schema/*.json are what `npm run schema` makes from the code's own zod schemas,
// and the config schema accepts the configs this repository ships (as written, ${VAR} and all).

const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const compile = (file: string) =>
  new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(JSON.parse(read(file)));

describe('the published JSON Schemas', () => {
  it('are current: run `npm run schema` and commit schema/ when this fails', () => {
    for (const [file, text] of Object.entries(schemaFiles())) expect(read(file), file).toBe(text);
  });

  it('accept every config the repository ships, and reject an unknown key', () => {
    const validate = compile('schema/config.schema.json');
    const configs = [
      'evals/demo/evalgate.yaml',
      ...readdirSync(path.join(ROOT, 'docs/workflows'))
        .filter((f) => f.endsWith('.evalgate.yaml'))
        .map((f) => `docs/workflows/${f}`),
    ];
    for (const file of configs) {
      expect(validate(parse(read(file))), `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const typo = parse(read('evals/demo/evalgate.yaml'));
    typo.budgets.qualty = typo.budgets.quality;
    expect(validate(typo)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({
      instancePath: '/budgets',
      params: { additionalProperty: 'qualty' },
    });
  });

  it('let an editor accept ${VAR} in a URL and still refuse a URL without http(s)', () => {
    const validate = compile('schema/config.schema.json');
    const config = parse(read('evals/demo/evalgate.yaml'));
    config.targets.candidate.base_url = '${CANDIDATE_URL}';
    expect(validate(config)).toBe(true);
    config.targets.candidate.base_url = 'localhost:11434/v1';
    expect(validate(config)).toBe(false);
  });
});

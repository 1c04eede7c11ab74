// ajv and its formats, in a module of their own so that a run without a JSON Schema never loads
// them (see loadSchemaValidators in json-schema.ts).
import { Ajv } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as (ajv: Ajv) => void;

export { Ajv, Ajv2019, Ajv2020, addFormats };

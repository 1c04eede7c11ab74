import { loadSchemaValidators } from '../../src/scorers/json-schema.js';

// The CLI and the Action load ajv only for a config or golden set that needs it (see
// loadSchemaValidators); tests that compile schemas in-process get it up front. The bundles'
// own paths are tested end to end through dist/ (tool-calls-cli, bad-input-tools, scorers-cli).
await loadSchemaValidators();

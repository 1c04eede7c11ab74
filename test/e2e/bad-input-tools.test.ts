// Bad tool configuration through the real CLI bundle: exit 2, the config file and line (and the
// field path) named, nothing sent. Tool definitions are JSON Schemas the provider would reject
// on every case of a paid run, or a lenient server would silently ignore: checked up front.

import { describe } from 'vitest';
import {
  CONFIG,
  cfg,
  itRejectsEach,
  type Kind,
  lineOf,
  useBadInputServer,
} from '../helpers/bad-input.js';

const CAND = '    model: cand-model';
const withCandidate = (url: string, yaml: string) => ({
  [CONFIG]: cfg(url, [CAND, `${CAND}\n${yaml}`]),
});
const at = (needle: string, path: string) => (f: Record<string, string>) => [
  `${CONFIG}:${lineOf(f[CONFIG]!, needle)} (${path})`,
];

const KINDS: Kind[] = [
  {
    name: 'a tool whose parameters are not a valid JSON Schema',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - type: function
        function:
          name: refund
          parameters:
            type: object
            properties: {amount: {type: nubmer}}`,
      ),
    where: at('parameters:', 'targets.candidate.tools.0.function.parameters'),
    says: [/is not a valid JSON Schema/],
  },
  {
    name: 'a tool schema with an unknown keyword (a typo)',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - type: function
        function:
          name: refund
          parameters: {type: object, requried: [amount]}`,
      ),
    where: at('parameters:', 'targets.candidate.tools.0.function.parameters'),
    says: [/requried/],
  },
  {
    name: 'tool parameters that are not an object schema',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - type: function
        function: {name: refund, parameters: {type: string}}`,
      ),
    where: at('parameters:', 'targets.candidate.tools.0.function.parameters.type'),
    says: [/type: object/],
  },
  {
    name: 'a tool name the providers refuse',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - type: function
        function: {name: "refund money"}`,
      ),
    where: at('function:', 'targets.candidate.tools.0.function.name'),
    says: [/letters, digits, _ or -/],
  },
  {
    name: 'tool_choice naming a tool the target does not have',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - {type: function, function: {name: refund}}
    tool_choice: {type: function, function: {name: refnud}}`,
      ),
    where: at('tool_choice:', 'targets.candidate.tool_choice.function.name'),
    says: [/"refnud" is not one of the target's tools \(refund\)/],
  },
  {
    name: 'the same tool declared twice',
    files: (url) =>
      withCandidate(
        url,
        `    tools:
      - {type: function, function: {name: refund}}
      - {type: function, function: {name: refund}}`,
      ),
    // The second of the two identical lines.
    where: (f) => [
      `${CONFIG}:${lineOf(f[CONFIG]!, '    tools:') + 2} (targets.candidate.tools.1.function.name)`,
    ],
    says: [/declared twice/],
  },
  {
    name: 'response_format on the anthropic dialect',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        `    type: openai\n    base_url: ${url}\n    model: cand-model`,
        `    type: anthropic\n    base_url: ${url}\n    model: cand-model\n    response_format: {type: json_object}`,
      ]),
    }),
    where: at('response_format:', 'targets.candidate.response_format'),
    says: [/anthropic dialect has no response_format/],
  },
  {
    name: 'a response_format schema that does not compile',
    files: (url) =>
      withCandidate(
        url,
        `    response_format:
      type: json_schema
      json_schema:
        name: answer
        schema: {type: object, properties: {n: {minimum: "one"}}}`,
      ),
    where: at('        schema:', 'targets.candidate.response_format.json_schema.schema'),
    says: [/is not a valid JSON Schema/],
  },
  {
    name: 'max_steps out of range',
    files: (url) => withCandidate(url, '    max_steps: 500'),
    where: at('max_steps:', 'targets.candidate.max_steps'),
    says: [/at most 50/],
  },
  {
    name: 'tools on the judge (the judge answers in one call)',
    files: (url) => ({
      [CONFIG]: cfg(url, [
        'scorers:',
        `judge:\n  type: openai\n  base_url: ${url}\n  model: judge\n  tools: []\nscorers:`,
      ]),
    }),
    where: at('  tools: []', 'judge.tools'),
    says: [/unknown key "tools"/],
  },
];

describe('bad tool configuration is bad input (CLI bundle)', () => {
  const server = useBadInputServer();
  itRejectsEach(KINDS, server);
});

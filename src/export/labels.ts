import { InputError, type InputProblem } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { OWN_LABELS } from './openmetrics.js';

/** The Pushgateway job when no `job=` label is given. */
export const DEFAULT_JOB = 'evalgate';

/** Run labels are few and short: they name a pipeline, a service, an environment. */
const MAX_LABELS = 10;
const MAX_VALUE_CHARS = 128;

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The run's labels: `job` groups the push; the others go on every sample and into the group. */
export interface RunLabels {
  job: string;
  labels: Record<string, string>;
}

/**
 * Reads `key=value` run labels (`--metrics-label`, repeatable; the Action's `metrics-labels`,
 * one per line). `job` names the Pushgateway job (default `evalgate`); every other label is added
 * to every sample and to the push's grouping key, so two pipelines with different labels keep
 * their own group.
 */
export function parseRunLabels(items: readonly string[], field: string): RunLabels {
  const problems: InputProblem[] = [];
  const labels: Record<string, string> = {};
  let job: string | undefined;
  const bad = (item: string, why: string) =>
    problems.push({ path: field, message: `"${escapeTerminal(item, 60)}": ${why}` });
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) {
      bad(item, 'give key=value');
      continue;
    }
    const name = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!LABEL_NAME.test(name)) {
      bad(item, 'a label name is letters, digits and underscores, not starting with a digit');
    } else if (name.startsWith('__')) {
      bad(item, 'names starting with __ are reserved by Prometheus');
    } else if (OWN_LABELS.includes(name)) {
      bad(item, `evalgate sets the label "${name}" itself; choose another name`);
    } else if (name in labels || (name === 'job' && job !== undefined)) {
      bad(item, `the label "${name}" is given twice`);
    } else if (value === '') {
      bad(item, 'the value is empty (an empty label is no label in Prometheus)');
    } else if (Array.from(value).length > MAX_VALUE_CHARS || /[\u0000-\u001f\u007f]/.test(value)) {
      bad(item, `the value must be one line of at most ${MAX_VALUE_CHARS} characters`);
    } else if (name === 'job') {
      job = value;
    } else {
      labels[name] = value;
    }
  }
  if (Object.keys(labels).length > MAX_LABELS)
    problems.push({ path: field, message: `at most ${MAX_LABELS} labels besides job` });
  if (problems.length) throw new InputError(problems);
  return { job: job ?? DEFAULT_JOB, labels };
}

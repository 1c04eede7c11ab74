import { errorMessage, InputError } from '../errors.js';
import type { Report } from '../types.js';
import { createRedactor } from '../util/redact.js';
import { parseRunLabels, type RunLabels } from './labels.js';
import { renderOpenMetrics } from './openmetrics.js';
import { type PushTarget, parsePushgatewayUrl, pushMetrics } from './pushgateway.js';

/** Where a run's figures go besides the report: checked before the run, used after it. */
export interface MetricsExport {
  /** The OpenMetrics file (`--metrics`), written with the report's other files. */
  file?: string;
  push?: PushTarget;
  grouping: RunLabels;
}

/** What the front door read, and the names to give in messages (`--pushgateway`, `with.pushgateway`). */
export interface MetricsRequest {
  metrics?: { value: string; field: string };
  pushgateway?: { value: string; field: string };
  labels?: { values: readonly string[]; field: string };
}

/**
 * Checks the export options before anything is sent (bad input is exit 2): the Pushgateway URL,
 * the run labels, and labels given with nowhere to go. Undefined when nothing is exported.
 */
export function readMetricsExport(req: MetricsRequest): MetricsExport | undefined {
  const labels = req.labels?.values ?? [];
  if (!req.metrics && !req.pushgateway) {
    if (labels.length && req.labels)
      throw new InputError({
        path: req.labels.field,
        message: 'run labels need somewhere to go: add a metrics file or a Pushgateway URL',
      });
    return undefined;
  }
  const push = req.pushgateway
    ? parsePushgatewayUrl(req.pushgateway.value, req.pushgateway.field)
    : undefined;
  const grouping = parseRunLabels(labels, req.labels?.field ?? 'metrics labels');
  return {
    ...(req.metrics ? { file: req.metrics.value } : {}),
    ...(push ? { push } : {}),
    grouping,
  };
}

/** The `metrics` output of writeOutputs (src/report/write.ts) for this export, if it has a file. */
export function metricsOutput(exp: MetricsExport | undefined) {
  return exp?.file ? { file: exp.file, labels: exp.grouping.labels } : undefined;
}

/**
 * Pushes the report's figures when a Pushgateway is set. A push that fails is a warning, never a
 * change of outcome: the report is written and the verdict stands whatever the metrics stack
 * says (a monitoring outage must not block or pass a deploy). Returns whether it was pushed.
 */
export async function pushReport(
  report: Report,
  exp: MetricsExport | undefined,
  warn: (message: string) => void,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!exp?.push) return false;
  try {
    const text = renderOpenMetrics(report, exp.grouping.labels);
    await pushMetrics(exp.push, text, exp.grouping, signal ? { signal } : {});
    return true;
  } catch (err) {
    // Masked as every secret is (util/redact.ts): a password of a letter or two is not masked
    // inside every word of the message, which made it unreadable and protected nothing.
    const message = createRedactor(exp.push.secrets)(errorMessage(err));
    warn(`${message}; the report and the verdict stand`);
    return false;
  }
}

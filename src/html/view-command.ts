import path from 'node:path';
import { EXIT, InputError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import { checkOutputPaths, type OutputPath, outputCollisions } from '../report/output-paths.js';
import { readReportFile } from '../report/read-report.js';
import { openFile } from './open.js';
import { writeHtmlReport } from './write.js';

export interface ViewIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

/** `x/report.json` → `x/report.html`; any other name gets `.html` added. */
function defaultHtmlPath(reportPath: string): string {
  const ext = path.extname(reportPath);
  return ext.toLowerCase() === '.json'
    ? reportPath.slice(0, -ext.length) + '.html'
    : `${reportPath}.html`;
}

/** `evalgate view REPORT.json [--html PATH] [--open]`: exit 0, or InputError (exit 2). */
export async function runView(
  reportPath: string,
  options: { html?: string; open: boolean },
  io: ViewIo,
): Promise<number> {
  const html = options.html ?? defaultHtmlPath(reportPath);
  const out: OutputPath = { file: html, field: options.html === undefined ? 'html' : '--html' };
  checkOutputPaths([out]);
  const collisions = outputCollisions(
    [out],
    [{ abs: path.resolve(reportPath), label: 'the report being shown' }],
  );
  if (collisions.length) throw new InputError(collisions);
  const report = readReportFile(reportPath, 'report');
  writeHtmlReport(report, html);
  io.stdout(`html: ${html}\n`);
  if (options.open) {
    const result = await openFile(html, io.env);
    if (!result.opened) {
      io.stderr(
        `note: could not open it (${escapeTerminal(result.why)}); open ${html} in a browser\n`,
      );
    }
  }
  return EXIT.pass;
}

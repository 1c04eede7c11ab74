import { createHash } from 'node:crypto';
import { escapeHtml, escapeTerminal } from '../report/escape.js';
import type { Report } from '../types.js';
import { CLIENT_JS } from './client-source.js';
import { pageData } from './data.js';
import { PAGE_CSS } from './style.js';

// The HTML report: one self-contained file. The report travels as inert JSON; the page's own
// script (client-source.ts) builds everything from it with DOM calls that only ever set text.
// The Content-Security-Policy allows exactly the one script and the one style sheet it ships,
// by hash: no other script, style, image, font, frame or connection, from anywhere.

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

let policy: string | undefined;

/**
 * The page's Content-Security-Policy. Hashed on first use, not when the module loads: every
 * command loads it, and most never write a page.
 */
export function contentSecurityPolicy(): string {
  policy ??= [
    "default-src 'none'",
    `script-src ${sha256(CLIENT_JS)}`,
    `style-src ${sha256(PAGE_CSS)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return policy;
}

/** The page's title: the decision and the summary, on one line. */
function title(report: Report): string {
  const head = report.incomplete ? 'incomplete' : report.decision;
  return escapeHtml(escapeTerminal(`evalgate: ${head} · ${report.summary}`, 200));
}

/** The HTML report of `report`, in pieces (see pageData). */
export function* renderHtml(report: Report): Generator<string> {
  yield '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n';
  yield `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy()}">\n`;
  yield '<meta name="referrer" content="no-referrer">\n';
  yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n';
  yield `<title>${title(report)}</title>\n<style>${PAGE_CSS}</style>\n</head>\n<body>\n`;
  yield '<noscript><p>This report is drawn by the script it carries; allow JavaScript for this file, or read the JSON report.</p></noscript>\n';
  const { data, text } = pageData(report);
  // The texts come after the script: the page is drawn while the browser still reads them.
  yield '<main id="app"></main>\n<script type="application/json" id="evalgate-data">';
  yield* data;
  yield `</script>\n<script>${CLIENT_JS}</script>\n<script type="application/json" id="evalgate-text">`;
  yield* text;
  yield '</script>\n</body>\n</html>\n';
}

/** The whole page as one string (tests, small reports). */
export function renderHtmlString(report: Report): string {
  return [...renderHtml(report)].join('');
}

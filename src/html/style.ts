// The page's one style sheet, allowed by its hash in the Content-Security-Policy (page.ts).
// Nothing else styles the page: the script sets classes, never inline styles.

export const PAGE_CSS = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #fff; --soft: #f6f8fa;
  --pass: #1a7f37; --fail: #cf222e; --inc: #9a6700; --base: #8250df; --cand: #0969da;
  --ins: #dafbe1; --del: #ffebe9; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font-size: 14px; line-height: 1.45; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 64px; }
h1 { font-size: 24px; margin: 8px 0; display: flex; align-items: center; gap: 10px; }
h2 { font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 15px; margin: 16px 0 6px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 12px; color: #fff; font-size: 14px; font-weight: 600; }
.badge.pass, .tag.pass { background: var(--pass); } .badge.fail, .tag.fail { background: var(--fail); }
.badge.inconclusive, .tag.inconclusive { background: var(--inc); } .badge.incomplete { background: var(--muted); }
.summary { font-size: 16px; margin: 4px 0 8px; white-space: pre-wrap; overflow-wrap: anywhere; }
.meta, .note { color: var(--muted); font-size: 13px; }
.note { margin: 4px 0; }
.warnings li { color: var(--inc); overflow-wrap: anywhere; }
svg { display: block; max-width: 100%; height: auto; font-family: inherit; }
svg text { font-size: 12px; fill: var(--fg); }
svg .axis line, svg .axis path { stroke: var(--line); }
svg .axis text, svg text.muted { fill: var(--muted); font-size: 11px; }
svg .zero { stroke: #8c959f; stroke-width: 1; }
svg .budget { stroke: var(--fail); stroke-width: 1.5; stroke-dasharray: 5 3; }
svg .ci { stroke-width: 3; stroke-linecap: round; }
svg .v-pass { stroke: var(--pass); fill: var(--pass); } svg .v-fail { stroke: var(--fail); fill: var(--fail); }
svg .v-inconclusive { stroke: var(--inc); fill: var(--inc); }
svg .row-band { fill: var(--soft); }
svg .s-baseline { stroke: var(--base); fill: var(--base); } svg .s-candidate { stroke: var(--cand); fill: var(--cand); }
svg path.cdf { fill: none; stroke-width: 2; }
svg .q-mark { stroke-width: 1.5; stroke-dasharray: 2 2; }
svg text.s-baseline, svg text.s-candidate, svg text.verdict-text { stroke: none; }
svg text.q-label { stroke: var(--bg); stroke-width: 3px; paint-order: stroke; stroke-linejoin: round; }
.legend { display: flex; gap: 16px; font-size: 13px; color: var(--muted); margin: 4px 0; }
.key { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.key.s-baseline { background: var(--base); } .key.s-candidate { background: var(--cand); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: var(--soft); font-weight: 600; position: sticky; top: 0; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tag { display: inline-block; padding: 0 6px; border-radius: 8px; color: #fff; font-size: 11px; margin-right: 3px; }
.tag.regressed { background: var(--fail); } .tag.improved { background: var(--pass); }
.tag.error { background: #6e7781; } .tag.cached { background: #8c959f; }
.tag.slice { background: var(--soft); color: var(--fg); border: 1px solid var(--line); }
.controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
.controls input[type=search] { flex: 1 1 260px; padding: 6px 8px; font-size: 14px; border: 1px solid var(--line); border-radius: 6px; }
.controls select, .controls button, button.more { padding: 5px 10px; font-size: 13px; border: 1px solid var(--line); border-radius: 6px; background: var(--soft); cursor: pointer; }
.controls button[aria-pressed=true] { background: var(--cand); color: #fff; border-color: var(--cand); }
tr.case-row { cursor: pointer; } tr.case-row:hover { background: var(--soft); }
tr.case-row.open { background: #ddf4ff; }
td.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; overflow-wrap: anywhere; max-width: 280px; }
.detail { padding: 8px 4px 16px; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.pair > div { min-width: 0; }
pre.text { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px; margin: 4px 0; max-height: 420px; overflow: auto; font-size: 12.5px; }
ins { background: var(--ins); text-decoration: none; } del { background: var(--del); text-decoration: line-through; text-decoration-color: #d1242f80; }
.turn { border-left: 3px solid var(--line); padding-left: 8px; margin: 6px 0; }
.turn .role { font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; }
.turn.assistant { border-color: var(--cand); } .turn.tool { border-color: var(--inc); } .turn.user { border-color: var(--base); }
.call { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; background: #fff8c5; border-radius: 4px; padding: 2px 6px; margin: 2px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.err { color: var(--fail); overflow-wrap: anywhere; }
.pager { display: flex; gap: 12px; align-items: center; margin: 8px 0; color: var(--muted); }
.small { font-size: 12px; }
.reason { color: var(--muted); font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
`;

// The HTML report's script, as plain JavaScript for the browser (the CSP allows it by hash; see
// page.ts). A string rather than a file of its own, as src/scorers/worker-source.ts is: dist/
// holds single-file bundles, and vitest runs the TypeScript sources; a string works in both.
//
// Rules it keeps: every piece of report text reaches the page through textContent or a text
// node, never innerHTML; no inline handlers or styles; no URL is ever built from data; nothing
// is fetched. Case rows are drawn a page at a time, so a 10,000-case report opens at once.

export const CLIENT_JS = String.raw`
(function () {
'use strict';
var DATA, R, CASES, REGRESSED, IMPROVED;
function start(data) {
  DATA = data;
  R = DATA.report;
  CASES = DATA.cases;
  REGRESSED = new Set(DATA.regressed);
  IMPROVED = new Set(DATA.improved);
  var app = document.getElementById('app');
  [header, forest, timings, slices, scores, cases].forEach(function (part) { app.appendChild(part()); });
  Array.prototype.forEach.call(document.querySelectorAll('svg.cdf'), placeLabels);
  refresh();
  document.body.setAttribute('data-ready', 'true');
  // For the benchmark: when, on the page's own clock, it was drawn and usable.
  document.body.setAttribute('data-ready-ms', String(Math.round(performance.now())));
}
// The texts (answers, inputs, reasons, conversations) are read the first time they are needed
// (a search, a case opened): the page is drawn and usable before that.
var TEXTS_PROMISE = null;
var TEXTS = { then: function (fn) { return texts().then(fn); } };
function texts() {
  if (TEXTS_PROMISE) return TEXTS_PROMISE;
  // The texts' element follows this script: wait until the browser has read all of it.
  var parsed = document.readyState === 'loading'
    ? new Promise(function (resolve) { document.addEventListener('DOMContentLoaded', resolve, { once: true }); })
    : Promise.resolve();
  TEXTS_PROMISE = parsed.then(function () { return readData('evalgate-text'); }).then(function (texts) {
    texts.forEach(function (t, i) {
      var c = CASES[i];
      Object.keys(t).forEach(function (k) {
        if ((k === 'baseline' || k === 'candidate') && c[k]) Object.assign(c[k], t[k]);
        else c[k] = t[k];
      });
    });
    document.body.setAttribute('data-texts', 'ready');
  });
  TEXTS_PROMISE.catch(failed);
  return TEXTS_PROMISE;
}
function failed(err) {
  document.getElementById('app').appendChild(h('p', { class: 'err' }, 'This page could not read its data: ' + err + '. The JSON report has everything it shows.'));
}
var SVG = 'http://www.w3.org/2000/svg';
var SIDES = ['baseline', 'candidate'];
var PAGE = 100;

// ---- DOM helpers: text only ------------------------------------------------------------------
function add(parent, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) { child.forEach(function (c) { add(parent, c); }); return; }
  parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
}
function h(tag, attrs, children) {
  var e = document.createElement(tag);
  setAttrs(e, attrs);
  add(e, children);
  return e;
}
function s(tag, attrs, children) {
  var e = document.createElementNS(SVG, tag);
  setAttrs(e, attrs);
  add(e, children);
  return e;
}
function setAttrs(e, attrs) {
  if (!attrs) return;
  Object.keys(attrs).forEach(function (k) {
    var v = attrs[k];
    if (v === null || v === undefined || v === false) return;
    if (/^on/i.test(k) || k === 'style' || k === 'href' || k === 'src') throw new Error('refused attribute ' + k);
    e.setAttribute(k, String(v));
  });
}
function textOf(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  try { return JSON.stringify(v, null, 2); } catch (err) { return String(v); }
}
function pre(text, cls) { return h('pre', { class: 'text' + (cls ? ' ' + cls : '') }, text); }

// ---- formatting (the same words as the comment: src/report/format.ts) ------------------------
var LABELS = { quality: 'quality', pass_rate: 'pass rate', latency_p95: 'latency p95', cost: 'cost',
  error_rate: 'error rate', ttft_p95: 'TTFT p95', tpot_p95: 'TPOT p95', drift: 'score drift', label_drift: 'label drift' };
var RELATIVE = { latency_p95: 1, cost: 1, ttft_p95: 1, tpot_p95: 1 };
var DRIFT = { drift: 1, label_drift: 1 };
var METRIC_ORDER = ['quality', 'pass_rate', 'error_rate', 'latency_p95', 'ttft_p95', 'tpot_p95', 'cost', 'drift', 'label_drift'];
function fin(x) { return typeof x === 'number' && isFinite(x); }
function trim(n, d) { var t = n.toFixed(d); return t.indexOf('.') >= 0 ? t.replace(/\.?0+$/, '') : t; }
function signed(t, n) { return n > 0 ? '+' + t : n < 0 ? t : t.replace(/^-/, ''); }
function pct(x) { return fin(x) ? (x * 100).toFixed(1) + '%' : '–'; }
// Milliseconds as formatMilliseconds (src/report/format.ts) writes them: whole from 10 ms, one
// decimal from 1 ms, two significant digits below, so 0.02 ms per token never reads as 0.0 ms.
function ms(x) { return fin(x) ? millis(x) + ' ms' : '–'; }
function millis(x) {
  var a = Math.abs(x), tenths = x.toFixed(1);
  if (a === 0 || a >= 1) return Math.abs(Number(tenths)) >= 10 ? String(Math.round(x)) : tenths;
  var parts = a.toExponential(1).split('e'), e = Number(parts[1]);
  if (e >= 0) return tenths;
  var digits = ('0.' + '0'.repeat(-e - 1) + parts[0].replace('.', '')).replace(/0+$/, '');
  return (x < 0 ? '-' : '') + digits;
}
function usd(x) {
  if (!fin(x)) return '–';
  if (x === 0) return '$0';
  if (Math.abs(x) >= 100) return '$' + x.toFixed(0);
  if (Math.abs(x) >= 1) return '$' + x.toFixed(2);
  return '$' + x.toPrecision(3);
}
function count(x) { return fin(x) ? Math.round(x).toLocaleString('en-US') : '–'; }
function score(x) { return fin(x) ? x.toFixed(2) : '–'; }
function scoreDelta(d) { var t = Math.abs(d).toFixed(2); return t === '0.00' ? '±0.00' : (d > 0 ? '+' : '-') + t; }
function checkName(c) { return (LABELS[c.metric] || c.metric) + (c.slice ? ' [' + c.slice + ']' : ''); }
function fmtDelta(metric, d) {
  if (!fin(d)) return '–';
  if (DRIFT[metric]) return 'PSI ' + d.toFixed(3);
  if (RELATIVE[metric]) return signed((d * 100).toFixed(1) + '%', d);
  return signed((d * 100).toFixed(1) + ' pts', d);
}
function fmtBudget(metric, b) {
  if (metric === 'error_rate') return '≤ ' + trim(b * 100, 2) + '%';
  if (DRIFT[metric]) return 'PSI ≤ ' + trim(b, 3);
  if (RELATIVE[metric]) return '+' + trim(b * 100, 2) + '%';
  return trim(b * 100, 2) + ' pts';
}
function fmtAxis(metric, v) {
  if (DRIFT[metric]) return trim(v, 3);
  if (metric === 'error_rate') return trim(v * 100, 1) + '%';
  if (RELATIVE[metric]) return signed(trim(v * 100, 1) + '%', v);
  return signed(trim(v * 100, 1), v);
}
function confidence() { return fin(R.meta && R.meta.confidence) ? trim(R.meta.confidence * 100, 1) + '%' : ''; }

// ---- the case sets (computed by the program with the comment's rules) -----------------------
function hasError(c) { return Boolean((c.baseline && c.baseline.error) || (c.candidate && c.candidate.error)); }
function effective(side) { return side ? (side.error ? 0 : side.score) : null; }
function changeOf(c) {
  var b = effective(c.baseline), k = effective(c.candidate);
  return b === null || k === null ? null : k - b;
}

// ---- header -----------------------------------------------------------------------------------
function header() {
  var word = R.incomplete ? 'incomplete, not judged' : R.blocked_by === 'on_inconclusive' ? 'blocked (inconclusive, and gate.on_inconclusive is fail)' : R.decision;
  var cls = R.incomplete ? 'incomplete' : R.blocked_by === 'on_inconclusive' ? 'fail' : R.decision;
  var m = R.meta || {};
  var models = m.models || {};
  var bits = [];
  if (models.baseline || models.candidate) bits.push((models.baseline || '–') + ' → ' + (models.candidate || '–'));
  bits.push(count(CASES.length) + ' cases');
  if (confidence()) bits.push('confidence ' + confidence());
  if (m.repeats) bits.push(m.repeats + ' repeats');
  if (m.started_at) bits.push(m.started_at);
  if (fin(m.duration_ms)) bits.push((m.duration_ms / 1000).toFixed(1) + ' s');
  if (m.baseline_report) bits.push('baseline from ' + m.baseline_report);
  bits.push((m.tool || 'evalgate') + ' ' + (m.version || ''));
  var out = [
    h('h1', null, ['evalgate', h('span', { class: 'badge ' + cls, id: 'decision', 'data-decision': R.decision }, word)]),
    h('p', { class: 'summary', id: 'summary' }, R.summary),
    h('p', { class: 'meta' }, bits.join(' · ')),
  ];
  if (R.incomplete && R.incomplete_reason) out.push(h('p', { class: 'note' }, 'Stopped early: ' + R.incomplete_reason));
  if (m.only) out.push(h('p', { class: 'note' }, 'Only the ' + m.only + ' was evaluated (a recording): nothing was compared or gated.'));
  var warnings = m.warnings || [];
  if (warnings.length) out.push(h('ul', { class: 'warnings' }, warnings.map(function (w) { return h('li', null, w); })));
  return h('section', { id: 'head' }, out);
}

// ---- scales and axes --------------------------------------------------------------------------
function scale(d0, d1, r0, r1) {
  var span = d1 - d0 || 1;
  return function (v) { return r0 + ((v - d0) / span) * (r1 - r0); };
}
function niceTicks(lo, hi, n) {
  var span = hi - lo;
  if (!(span > 0)) return [lo];
  var step = Math.pow(10, Math.floor(Math.log10(span / n)));
  var err = span / n / step;
  if (err >= 7.5) step *= 10; else if (err >= 3.5) step *= 5; else if (err >= 1.5) step *= 2;
  var out = [];
  for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}

// ---- forest plot of the checks ----------------------------------------------------------------
// Absolute metrics (quality, pass rate) fail on a drop: the budget line sits at -budget. Relative
// ones (latency, cost, TTFT, TPOT) and drift fail on a rise: at +budget. The error rate's
// interval is the candidate's rate against a ceiling: its point is the rate itself.
function budgetAt(c) { return c.metric === 'quality' || c.metric === 'pass_rate' ? -c.budget : c.budget; }
function pointOf(c) { return c.metric === 'error_rate' ? c.candidate : c.delta; }

function forest() {
  var checks = R.checks || [];
  var sec = h('section', { id: 'checks' }, h('h2', null, 'Checks: each change with its interval against its budget'));
  if (!checks.length) { add(sec, h('p', { class: 'note' }, 'No checks: no budgets are configured, or only one side was evaluated.')); return sec; }
  var adjusted = checks.filter(function (c) { return c.adjustment; });
  add(sec, h('p', { class: 'note' }, 'Dot: the change (candidate against baseline); bar: the interval the verdict rests on' +
    (confidence() ? ' (one-sided bounds at ' + confidence() + ')' : '') + '; dashed red line: the budget. A check fails when its whole interval is past the budget and passes when it is all within.' +
    (adjusted.length ? ' Rows marked "adj." show the interval adjusted for multiplicity (' + adjusted[0].adjustment.method + ' across ' + adjusted[0].adjustment.tests + ' tests): the one the verdict uses.' : '')));
  var metrics = METRIC_ORDER.filter(function (m) { return checks.some(function (c) { return c.metric === m; }); });
  checks.forEach(function (c) { if (metrics.indexOf(c.metric) < 0) metrics.push(c.metric); });
  metrics.forEach(function (metric) {
    var rows = checks.filter(function (c) { return c.metric === metric; });
    rows.sort(function (a, b) { return (a.slice === null ? 0 : 1) - (b.slice === null ? 0 : 1); });
    add(sec, forestPanel(metric, rows));
  });
  return sec;
}

function forestPanel(metric, rows) {
  var W = 1100, LEFT = 300, RIGHT = 300, ROW = 26, TOP = 8, AXIS = 28;
  var H = TOP + rows.length * ROW + AXIS;
  var vals = [0];
  rows.forEach(function (c) {
    vals.push(budgetAt(c));
    var p = pointOf(c);
    if (fin(p)) vals.push(p);
    if (c.ci) c.ci.forEach(function (v) { if (fin(v)) vals.push(v); });
  });
  var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
  var pad = (hi - lo) * 0.08 || Math.max(Math.abs(hi), 0.01) * 0.5;
  lo -= pad; hi += pad;
  if (metric === 'error_rate' || DRIFT[metric]) lo = Math.max(lo, 0);
  var x = scale(lo, hi, LEFT, W - RIGHT);
  var clamp = function (v) { return fin(v) ? Math.min(Math.max(x(v), LEFT), W - RIGHT) : v > 0 ? W - RIGHT : LEFT; };
  var svg = s('svg', { class: 'forest', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'data-metric': metric,
    'aria-label': (LABELS[metric] || metric) + ' checks' });
  var bands = s('g', { class: 'bands' });
  rows.forEach(function (c, i) { if (i % 2 === 0) add(bands, s('rect', { class: 'row-band', x: 0, y: TOP + i * ROW, width: W, height: ROW })); });
  add(svg, bands);
  var axis = s('g', { class: 'axis' });
  niceTicks(lo, hi, 6).forEach(function (t) {
    add(axis, s('line', { x1: x(t), x2: x(t), y1: TOP, y2: H - AXIS + 4 }));
    add(axis, s('text', { x: x(t), y: H - 8, 'text-anchor': 'middle' }, fmtAxis(metric, t)));
  });
  add(svg, axis);
  if (metric !== 'error_rate' && !DRIFT[metric]) add(svg, s('line', { class: 'zero', x1: x(0), x2: x(0), y1: TOP, y2: H - AXIS }));
  rows.forEach(function (c, i) {
    var y = TOP + i * ROW + ROW / 2;
    var v = c.verdict;
    var p = pointOf(c);
    var g = s('g', { class: 'forest-row', 'data-metric': c.metric, 'data-slice': c.slice === null ? '' : c.slice,
      'data-verdict': v, 'data-delta': fin(c.delta) ? c.delta : '', 'data-point': fin(p) ? p : '',
      'data-ci-lo': c.ci ? (c.ci[0] == null ? '-Infinity' : c.ci[0]) : '', 'data-ci-hi': c.ci ? (c.ci[1] == null ? 'Infinity' : c.ci[1]) : '', 'data-budget': c.budget,
      'data-budget-at': budgetAt(c), 'data-adjusted': c.adjustment ? 'true' : 'false' });
    add(g, s('title', null, checkName(c) + ': ' + c.reason));
    add(g, s('text', { x: 8, y: y + 4 }, clip(c.slice === null ? (LABELS[c.metric] || c.metric) + ' (whole set)' : c.slice, 44) + (c.adjustment ? ' · adj.' : '')));
    add(g, s('line', { class: 'budget', x1: x(budgetAt(c)), x2: x(budgetAt(c)), y1: y - ROW / 2 + 2, y2: y + ROW / 2 - 2 }));
    // JSON writes an unbounded end as null: the lower one is -Infinity, the upper +Infinity.
    if (c.ci) add(g, s('line', { class: 'ci v-' + v, x1: c.ci[0] == null ? LEFT : clamp(c.ci[0]), x2: c.ci[1] == null ? W - RIGHT : clamp(c.ci[1]), y1: y, y2: y }));
    if (fin(p)) add(g, s('circle', { class: 'point v-' + v, cx: clamp(p), cy: y, r: 5 }));
    var right = (c.metric === 'error_rate' ? pct(c.candidate) : fmtDelta(c.metric, c.delta)) + '  budget ' + fmtBudget(c.metric, c.budget) + '  ' + v + (c.ci ? '' : ' (no interval)');
    add(g, s('text', { x: W - RIGHT + 12, y: y + 4, class: 'v-' + v + ' verdict-text' }, right));
    add(svg, g);
  });
  var unit = metric === 'error_rate' ? 'the candidate\'s error rate against its ceiling' : DRIFT[metric] ? 'population stability index' : RELATIVE[metric] ? 'relative change, %' : 'change, points';
  // Cached timings, partial token counts: said under the panel, as under the comment's table.
  var notes = [];
  rows.forEach(function (c) {
    var text = (DATA.notes || [])[(R.checks || []).indexOf(c)];
    if (text) notes.push(h('p', { class: 'note figure-note', 'data-metric': c.metric }, text));
  });
  return h('div', { class: 'panel' }, [h('h3', null, [LABELS[metric] || metric, h('span', { class: 'meta' }, ' · ' + unit)]), svg].concat(notes));
}
function clip(t, n) { t = String(t); return t.length > n ? t.slice(0, n - 1) + '…' : t; }

// ---- latency, TTFT, TPOT: both sides' distributions -------------------------------------------
function valuesOf(field, side) {
  var out = [];
  for (var i = 0; i < CASES.length; i++) {
    var r = CASES[i][side];
    if (r && !r.error && fin(r[field]) && r[field] >= 0) out.push(r[field]);
  }
  return out.sort(function (a, b) { return a - b; });
}
function quantile(sorted, q) {
  if (!sorted.length) return null;
  var pos = (sorted.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function timings() {
  var sec = h('section', { id: 'latency' }, h('h2', null, 'Latency: both sides, as cumulative distributions'));
  add(sec, legend());
  var grid = h('div', { class: 'grid' });
  [['latency_ms', 'Latency'], ['ttft_ms', 'Time to first token'], ['tpot_ms', 'Time per output token']].forEach(function (f) {
    var per = {};
    SIDES.forEach(function (side) { per[side] = valuesOf(f[0], side); });
    if (!per.baseline.length && !per.candidate.length) return;
    add(grid, cdfPanel(f[0], f[1], per));
  });
  if (!grid.childNodes.length) add(grid, h('p', { class: 'note' }, 'No answered calls to show.'));
  add(sec, grid);
  add(sec, h('p', { class: 'note' }, 'Marks: p50, p95 and p99 of each side (dashed), over answered calls. Quantiles in the table below are the report\'s own.'));
  add(sec, targetsTable());
  return sec;
}
function legend() {
  var m = (R.meta && R.meta.models) || {};
  return h('div', { class: 'legend' }, SIDES.map(function (side) {
    return h('span', null, [h('span', { class: 'key s-' + side }), side + (m[side] ? ' (' + m[side] + ')' : '')]);
  }));
}
function cdfPanel(field, title, per) {
  var W = 540, H = 260, L = 48, Rt = 16, T = 14, B = 34;
  var all = per.baseline.concat(per.candidate);
  var max = 0;
  for (var i = 0; i < all.length; i++) if (all[i] > max) max = all[i];
  max = max || 1;
  var x = scale(0, max * 1.02, L, W - Rt), y = scale(0, 1, H - B, T);
  var svg = s('svg', { class: 'cdf', viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, 'data-field': field, 'data-foot': H - B - 6, role: 'img', 'aria-label': title + ' distribution' });
  var axis = s('g', { class: 'axis' });
  niceTicks(0, max, 5).forEach(function (t) {
    add(axis, s('line', { x1: x(t), x2: x(t), y1: T, y2: H - B }));
    add(axis, s('text', { x: x(t), y: H - B + 14, 'text-anchor': 'middle' }, trim(t, 1)));
  });
  [0, 0.25, 0.5, 0.75, 1].forEach(function (q) {
    add(axis, s('line', { x1: L, x2: W - Rt, y1: y(q), y2: y(q) }));
    add(axis, s('text', { x: L - 6, y: y(q) + 4, 'text-anchor': 'end' }, Math.round(q * 100) + '%'));
  });
  add(axis, s('text', { x: (L + W - Rt) / 2, y: H - 4, 'text-anchor': 'middle' }, 'ms'));
  add(svg, axis);
  // Drawn last, over every curve and mark, each on a halo of the background.
  var labels = s('g', { class: 'q-labels' });
  SIDES.forEach(function (side, si) {
    var v = per[side];
    if (!v.length) return;
    var n = v.length, step = Math.max(1, Math.floor(n / 400)), d = 'M' + x(v[0]).toFixed(1) + ' ' + y(0).toFixed(1);
    for (var i = 0; i < n; i += step) d += 'L' + x(v[i]).toFixed(1) + ' ' + y((i + 1) / n).toFixed(1);
    d += 'L' + x(v[n - 1]).toFixed(1) + ' ' + y(1).toFixed(1);
    add(svg, s('path', { class: 'cdf s-' + side, d: d, 'data-side': side, 'data-n': n }));
    var t = R.targets && R.targets[side] && R.targets[side][field];
    [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]].forEach(function (q, qi) {
      var val = t && fin(t[q[0]]) ? t[q[0]] : quantile(v, q[1]);
      if (!fin(val)) return;
      var g = s('g', { class: 'q-mark-g', 'data-side': side, 'data-q': q[0], 'data-value': val });
      add(g, s('line', { class: 'q-mark s-' + side, x1: x(val), x2: x(val), y1: y(q[1]), y2: H - B }));
      // Labels at the foot of each mark: baseline left of the line, candidate right; stacked
      // apart once drawn (placeLabels).
      add(labels, s('text', { class: 'q-label s-' + side, x: x(val) + (si ? 3 : -3), y: H - B - 6 - qi * 12, 'data-side': side, 'data-qi': qi, 'text-anchor': si ? 'start' : 'end' }, q[0] + ' ' + ms(val)));
      add(svg, g);
    });
  });
  add(svg, labels);
  return h('div', { class: 'panel' }, [h('h3', null, title + ' (n = ' + per.baseline.length + ' / ' + per.candidate.length + ')'), svg]);
}
// Close quantiles (p95 near p99, or one side's near the other's) would print their labels over
// each other. Once the page is drawn, each label, p50s first, takes the lowest row above the axis
// where its box, as the browser measured it, meets no label already placed; a label that would
// run past the plot's edge goes to the other side of its mark.
function placeLabels(svg) {
  var labels = Array.prototype.slice.call(svg.querySelectorAll('text.q-label'));
  labels.sort(function (a, b) { return a.getAttribute('data-qi') - b.getAttribute('data-qi'); });
  var placed = [], GAP = 2, W = svg.viewBox.baseVal.width;
  labels.forEach(function (t) {
    var box = t.getBBox();
    if (!box.height) return; // not laid out (hidden): nothing to measure
    if (box.x < 0 || box.x + box.width > W) {
      var start = t.getAttribute('text-anchor') === 'start', at = Number(t.getAttribute('x')) + (start ? -6 : 6);
      t.setAttribute('x', at);
      t.setAttribute('text-anchor', start ? 'end' : 'start');
    }
    var foot = Number(svg.getAttribute('data-foot')), pitch = box.height + GAP;
    for (var row = 0; row < 12; row++) {
      t.setAttribute('y', foot - row * pitch);
      box = t.getBBox();
      var free = placed.every(function (o) {
        return box.x + box.width + GAP <= o.x || o.x + o.width + GAP <= box.x || box.y + box.height + GAP <= o.y || o.y + o.height + GAP <= box.y;
      });
      if (free) break;
    }
    placed.push(box);
  });
}
function targetsTable() {
  var T = R.targets || {};
  var sides = SIDES.filter(function (x) { return T[x]; });
  if (!sides.length) return null;
  var rows = [
    ['Cases', function (t) { return count(t.cases); }],
    ['Quality', function (t) { return pct(t.quality); }],
    ['Pass rate', function (t) { return pct(t.pass_rate); }],
    ['Error rate', function (t) { return pct(t.error_rate); }],
    ['Latency p50 / p95 / p99', function (t) { return ms(t.latency_ms.p50) + ' / ' + ms(t.latency_ms.p95) + ' / ' + ms(t.latency_ms.p99); }],
    ['Latency mean', function (t) { return ms(t.latency_ms.mean); }],
  ];
  if (sides.some(function (x) { return T[x].ttft_ms; })) rows.push(['TTFT p50 / p95', function (t) { return t.ttft_ms ? ms(t.ttft_ms.p50) + ' / ' + ms(t.ttft_ms.p95) : '–'; }]);
  if (sides.some(function (x) { return T[x].tpot_ms; })) rows.push(['TPOT p50 / p95', function (t) { return t.tpot_ms ? ms(t.tpot_ms.p50) + ' / ' + ms(t.tpot_ms.p95) : '–'; }]);
  rows.push(['Input tokens', function (t) { return count(t.input_tokens); }]);
  rows.push(['Output tokens', function (t) { return count(t.output_tokens); }]);
  rows.push(['Cost', function (t) { return usd(t.cost_usd); }]);
  if (sides.some(function (x) { return T[x].judge; })) rows.push(['Judge cost (not in cost)', function (t) { return t.judge ? usd(t.judge.cost_usd) + ' (' + count(t.judge.calls) + ' calls)' : '–'; }]);
  if (sides.some(function (x) { return fin(T[x].cached); })) rows.push(['From cache', function (t) { return count(t.cached); }]);
  if (sides.some(function (x) { return fin(T[x].answers_without_tokens); })) rows.push(['No token counts (not in the totals)', function (t) { return count(t.answers_without_tokens || 0); }]);
  var table = h('table', { id: 'targets' }, [
    h('thead', null, h('tr', null, [h('th', null, 'Cost, tokens, timing')].concat(sides.map(function (x) { return h('th', { class: 'num' }, x); })))),
    h('tbody', null, rows.map(function (r) {
      return h('tr', null, [h('td', null, r[0])].concat(sides.map(function (x) { return h('td', { class: 'num', 'data-side': x }, r[1](T[x])); })));
    })),
  ]);
  var notes = [];
  sides.forEach(function (x) {
    var nd = T[x].no_data || {};
    Object.keys(nd).forEach(function (k) { notes.push(h('p', { class: 'note' }, 'Unknown (' + x + ', ' + k + '): ' + nd[k])); });
  });
  return h('div', null, [table].concat(notes));
}

// ---- per-slice quality ------------------------------------------------------------------------
function sliceStats() {
  var map = new Map();
  function bucket(name) {
    var b = map.get(name);
    if (!b) { b = { name: name, baseline: { n: 0, sum: 0, pass: 0 }, candidate: { n: 0, sum: 0, pass: 0 } }; map.set(name, b); }
    return b;
  }
  CASES.forEach(function (c) {
    var names = [''].concat(c.slices || []);
    names.forEach(function (name) {
      var b = bucket(name);
      SIDES.forEach(function (side) {
        var r = c[side];
        if (!r) return;
        b[side].n++; b[side].sum += r.score; if (r.pass) b[side].pass++;
      });
    });
  });
  return Array.from(map.values());
}
function slices() {
  var sec = h('section', { id: 'slices' }, h('h2', null, 'Quality by slice, both sides'));
  var stats = sliceStats();
  var verdicts = {};
  (R.checks || []).forEach(function (c) {
    if (c.metric !== 'quality' && c.metric !== 'pass_rate') return;
    var k = c.slice === null ? '' : c.slice;
    if (verdicts[k] !== 'fail') verdicts[k] = verdicts[k] === 'inconclusive' && c.verdict === 'pass' ? 'inconclusive' : c.verdict;
  });
  stats.sort(function (a, b) { return a.name === '' ? -1 : b.name === '' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0; });
  add(sec, legend());
  var body = h('tbody');
  stats.forEach(function (st) {
    var mean = function (side) { return st[side].n ? st[side].sum / st[side].n : null; };
    var b = mean('baseline'), k = mean('candidate');
    var bars = s('svg', { viewBox: '0 0 220 24', width: 220, height: 24, class: 'bars' });
    [['baseline', b, 3], ['candidate', k, 13]].forEach(function (x) {
      if (fin(x[1])) add(bars, s('rect', { class: 's-' + x[0], x: 0, y: x[2], height: 8, width: Math.max(0, x[1]) * 220 }));
    });
    var v = verdicts[st.name];
    body.appendChild(h('tr', { class: 'slice-row', 'data-slice': st.name, 'data-baseline': fin(b) ? b : '', 'data-candidate': fin(k) ? k : '' }, [
      h('td', null, [st.name === '' ? 'whole set' : st.name, v ? h('span', { class: 'tag ' + v }, v) : null]),
      h('td', { class: 'num' }, count(st.baseline.n) + ' / ' + count(st.candidate.n)),
      h('td', { class: 'num' }, score(b)), h('td', { class: 'num' }, score(k)),
      h('td', { class: 'num' }, fin(b) && fin(k) ? scoreDelta(k - b) : '–'),
      h('td', { class: 'num' }, pct(st.baseline.n ? st.baseline.pass / st.baseline.n : null) + ' → ' + pct(st.candidate.n ? st.candidate.pass / st.candidate.n : null)),
      h('td', null, bars),
    ]));
  });
  add(sec, h('table', null, [h('thead', null, h('tr', null, [h('th', null, 'Slice'), h('th', { class: 'num' }, 'Cases (b / c)'),
    h('th', { class: 'num' }, 'Baseline score'), h('th', { class: 'num' }, 'Candidate score'), h('th', { class: 'num' }, 'Change'),
    h('th', { class: 'num' }, 'Pass rate'), h('th', null, 'Mean score')])), body]));
  add(sec, h('p', { class: 'note' }, 'Mean case score as reported (a failed call scores as its scorers scored it, usually 0). The tag is the verdict of the slice\'s quality or pass-rate check, where one was gated.'));
  return sec;
}

// ---- score distributions and stability across repeats -----------------------------------------
function histogram(values, bins) {
  var out = new Array(bins).fill(0);
  values.forEach(function (v) { if (fin(v)) out[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]++; });
  return out;
}
function barsPanel(title, per, labels, id) {
  var W = 540, H = 220, L = 44, Rt = 10, T = 10, B = 36;
  var max = Math.max.apply(null, per.baseline.concat(per.candidate).concat([1]));
  var n = labels.length, slot = (W - L - Rt) / n;
  var y = scale(0, max, H - B, T);
  var svg = s('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, id: id, role: 'img', 'aria-label': title });
  var axis = s('g', { class: 'axis' });
  niceTicks(0, max, 4).forEach(function (t) {
    add(axis, s('line', { x1: L, x2: W - Rt, y1: y(t), y2: y(t) }));
    add(axis, s('text', { x: L - 6, y: y(t) + 4, 'text-anchor': 'end' }, trim(t, 0)));
  });
  labels.forEach(function (lab, i) { if (n <= 10 || i % 2 === 0) add(axis, s('text', { x: L + slot * (i + 0.5), y: H - B + 14, 'text-anchor': 'middle' }, lab)); });
  add(svg, axis);
  SIDES.forEach(function (side, si) {
    per[side].forEach(function (v, i) {
      add(svg, s('rect', { class: 'bar s-' + side, 'data-side': side, 'data-bin': i, 'data-count': v,
        x: L + slot * i + slot * 0.1 + si * slot * 0.4, width: slot * 0.4, y: y(v), height: Math.max(0, H - B - y(v)) }, s('title', null, side + ' ' + labels[i] + ': ' + v)));
    });
  });
  return h('div', { class: 'panel' }, [h('h3', null, title), svg]);
}
function scores() {
  var sec = h('section', { id: 'scores' }, h('h2', null, 'Score distributions and stability'));
  add(sec, legend());
  var per = {}, BINS = 10;
  SIDES.forEach(function (side) { per[side] = histogram(CASES.map(function (c) { return c[side] ? c[side].score : null; }), BINS); });
  var labels = []; for (var i = 0; i < BINS; i++) labels.push((i / BINS).toFixed(1));
  var grid = h('div', { class: 'grid' }, barsPanel('Case scores (what the drift check compares)', per, labels, 'score-hist'));
  var drift = (R.checks || []).filter(function (c) { return DRIFT[c.metric] && c.slice === null; });
  var notes = drift.map(function (c) { return h('p', { class: 'note' }, checkName(c) + ': ' + c.reason); });
  var repeated = CASES.some(function (c) { return SIDES.some(function (x) { return c[x] && c[x].repeat_scores && c[x].repeat_scores.length > 1; }); });
  if (repeated) {
    var spread = {};
    SIDES.forEach(function (side) {
      spread[side] = histogram(CASES.map(function (c) {
        var r = c[side] && c[side].repeat_scores;
        return r && r.length > 1 ? Math.max.apply(null, r) - Math.min.apply(null, r) : null;
      }), BINS);
    });
    add(grid, barsPanel('Spread of each case\'s scores across repeats (max − min)', spread, labels, 'repeat-hist'));
    var T = R.targets || {};
    SIDES.forEach(function (side) {
      var st = T[side] && T[side].stability;
      if (st) notes.push(h('p', { class: 'note', 'data-side': side }, side + ': over ' + count(st.cases) + ' cases, identical answers in ' + pct(st.identical_outputs) + ', pass/fail agreement between repeats ' + pct(st.pass_agreement) + '.'));
    });
  } else {
    notes.push(h('p', { class: 'note' }, 'One answer per case (run.repeats is 1): no stability across repeats to show.'));
  }
  add(sec, grid);
  add(sec, notes);
  return sec;
}

// ---- the case table -----------------------------------------------------------------------------
var state = { q: '', filter: 'all', slice: '', scorer: '', sort: 'change-asc', shown: PAGE };
var haystacks = null;
function haystack(i) {
  if (!haystacks) haystacks = new Array(CASES.length);
  var t = haystacks[i];
  if (t === undefined) {
    var c = CASES[i];
    var parts = [c.id, textOf(c.input), textOf(c.expected), (c.slices || []).join(' '), c.source || ''];
    SIDES.forEach(function (x) { var r = c[x]; if (r) { parts.push(r.output || ''); if (r.error) parts.push(r.error.kind + ' ' + r.error.message); } });
    if (c.messages) parts.push(textOf(c.messages));
    t = haystacks[i] = parts.join('\n').toLowerCase();
  }
  return t;
}
function scorerNames() {
  var set = new Set();
  CASES.forEach(function (c) { SIDES.forEach(function (x) { if (c[x]) Object.keys(c[x].scores || {}).forEach(function (k) { set.add(k); }); }); });
  return Array.from(set).sort();
}
function sliceNames() {
  var set = new Set();
  CASES.forEach(function (c) { (c.slices || []).forEach(function (k) { set.add(k); }); });
  return Array.from(set).sort();
}
function matching() {
  var q = state.q.trim().toLowerCase();
  var out = [];
  for (var i = 0; i < CASES.length; i++) {
    var c = CASES[i];
    if (state.filter === 'regressed' && !REGRESSED.has(i)) continue;
    if (state.filter === 'improved' && !IMPROVED.has(i)) continue;
    if (state.filter === 'errors' && !hasError(c)) continue;
    if (state.slice && (c.slices || []).indexOf(state.slice) < 0) continue;
    if (state.scorer && !SIDES.some(function (x) { return c[x] && c[x].scores && state.scorer in c[x].scores; })) continue;
    if (q && haystack(i).indexOf(q) < 0) continue;
    out.push(i);
  }
  var key = function (i) { var d = changeOf(CASES[i]); return d === null ? 0 : d; };
  var byId = function (a, b) { var x = CASES[a].id, y = CASES[b].id; return x < y ? -1 : x > y ? 1 : 0; };
  if (state.sort === 'change-asc') out.sort(function (a, b) { return key(a) - key(b) || byId(a, b); });
  else if (state.sort === 'change-desc') out.sort(function (a, b) { return key(b) - key(a) || byId(a, b); });
  else if (state.sort === 'id') out.sort(byId);
  return out;
}
var tableBody, countLine, moreButton, current = [];
function cases() {
  var sec = h('section', { id: 'cases' }, h('h2', null, 'Cases'));
  var search = h('input', { type: 'search', id: 'case-search', placeholder: 'Search id, input, expected, answers, errors…', 'aria-label': 'search cases' });
  var filters = [['all', 'All', CASES.length], ['regressed', 'Regressed', REGRESSED.size], ['improved', 'Improved', IMPROVED.size],
    ['errors', 'Errors', CASES.filter(hasError).length]];
  var buttons = filters.map(function (f) { return h('button', { type: 'button', 'data-filter': f[0], 'aria-pressed': f[0] === state.filter ? 'true' : 'false' }, f[1] + ' (' + count(f[2]) + ')'); });
  var sliceSel = h('select', { id: 'slice-filter', 'aria-label': 'slice' }, [h('option', { value: '' }, 'every slice')].concat(sliceNames().map(function (n) { return h('option', { value: n }, n); })));
  var scorerSel = h('select', { id: 'scorer-filter', 'aria-label': 'scorer' }, [h('option', { value: '' }, 'every scorer')].concat(scorerNames().map(function (n) { return h('option', { value: n }, n); })));
  var sortSel = h('select', { id: 'case-sort', 'aria-label': 'sort' }, [h('option', { value: 'change-asc' }, 'score change: worst first'),
    h('option', { value: 'change-desc' }, 'score change: best first'), h('option', { value: 'id' }, 'id'), h('option', { value: 'file' }, 'golden-set order')]);
  add(sec, h('div', { class: 'controls' }, [search].concat(buttons, [sliceSel, scorerSel, sortSel])));
  countLine = h('div', { class: 'pager', id: 'case-count' });
  add(sec, countLine);
  tableBody = h('tbody', { id: 'case-rows' });
  var head = h('thead', null, h('tr', null, [h('th', null, 'Case'), h('th', null, 'Slices'), h('th', { class: 'num' }, 'Baseline'),
    h('th', { class: 'num' }, 'Candidate'), h('th', { class: 'num' }, 'Change'), h('th', null, ''), h('th', { class: 'num' }, 'Latency (b / c)'),
    h('th', { class: 'num' }, 'Cost (b / c)')]));
  add(sec, h('table', { id: 'case-table' }, [head, tableBody]));
  moreButton = h('button', { type: 'button', class: 'more', id: 'case-more' }, 'Show more');
  add(sec, moreButton);
  add(sec, h('p', { class: 'note' }, 'Regressed and improved follow the same rules as the pull request comment. Click a row for the whole case: input, expected, both answers with their differences word by word, each scorer\'s score and reason, tool calls and conversation.'));

  var timer = null;
  search.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { TEXTS.then(function () { state.q = search.value; refresh(); }); }, CASES.length > 2000 ? 150 : 0);
  });
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      state.filter = b.getAttribute('data-filter');
      buttons.forEach(function (o) { o.setAttribute('aria-pressed', o === b ? 'true' : 'false'); });
      refresh();
    });
  });
  sliceSel.addEventListener('change', function () { state.slice = sliceSel.value; refresh(); });
  scorerSel.addEventListener('change', function () { state.scorer = scorerSel.value; refresh(); });
  sortSel.addEventListener('change', function () { state.sort = sortSel.value; refresh(); });
  moreButton.addEventListener('click', function () { state.shown += PAGE; draw(); });
  tableBody.addEventListener('click', function (ev) {
    var row = ev.target.closest ? ev.target.closest('tr.case-row') : null;
    if (row && !(ev.target.closest('pre') && window.getSelection().toString())) toggle(row);
  });
  return sec;
}
function refresh() { state.shown = PAGE; current = matching(); draw(); }
function draw() {
  while (tableBody.firstChild) tableBody.removeChild(tableBody.firstChild);
  var n = Math.min(state.shown, current.length);
  var frag = document.createDocumentFragment();
  for (var j = 0; j < n; j++) frag.appendChild(caseRow(current[j]));
  tableBody.appendChild(frag);
  countLine.textContent = 'Showing ' + count(n) + ' of ' + count(current.length) + ' matching cases (' + count(CASES.length) + ' in all).';
  countLine.setAttribute('data-shown', n);
  countLine.setAttribute('data-matching', current.length);
  moreButton.hidden = n >= current.length;
}
function caseRow(i) {
  var c = CASES[i], b = c.baseline, k = c.candidate, d = changeOf(c);
  var pickScore = function (r) {
    if (!r) return '–';
    if (state.scorer) return score(r.scores ? r.scores[state.scorer] : null);
    return r.error ? 'error' : score(r.score);
  };
  var tags = [];
  if (REGRESSED.has(i)) tags.push(h('span', { class: 'tag regressed' }, 'regressed'));
  if (IMPROVED.has(i)) tags.push(h('span', { class: 'tag improved' }, 'improved'));
  SIDES.forEach(function (x) { if (c[x] && c[x].error) tags.push(h('span', { class: 'tag error' }, x + ' ' + c[x].error.kind)); });
  return h('tr', { class: 'case-row', 'data-index': i, 'data-id': c.id, 'data-change': d === null ? '' : d }, [
    h('td', { class: 'id' }, c.id),
    h('td', null, (c.slices || []).map(function (x) { return h('span', { class: 'tag slice' }, x); })),
    h('td', { class: 'num' }, pickScore(b)), h('td', { class: 'num' }, pickScore(k)),
    h('td', { class: 'num' }, d === null ? '–' : scoreDelta(d)),
    h('td', null, tags),
    h('td', { class: 'num' }, ms(b && b.latency_ms) + ' / ' + ms(k && k.latency_ms)),
    h('td', { class: 'num' }, usd(b && b.cost_usd) + ' / ' + usd(k && k.cost_usd)),
  ]);
}
function toggle(row) {
  var next = row.nextSibling;
  if (next && next.classList.contains('case-detail')) { next.remove(); row.classList.remove('open'); return; }
  row.classList.add('open');
  var i = Number(row.getAttribute('data-index'));
  TEXTS.then(function () {
    if (row.isConnected && !(row.nextSibling && row.nextSibling.classList.contains('case-detail')))
      row.after(h('tr', { class: 'case-detail', 'data-index': i }, h('td', { colspan: 8 }, detail(CASES[i]))));
  });
}

// ---- one case in full -----------------------------------------------------------------------------
function detail(c) {
  var out = h('div', { class: 'detail' });
  var where = [];
  if (c.source) where.push('source ' + c.source);
  if (c.cluster) where.push('cluster ' + c.cluster);
  if (where.length) add(out, h('p', { class: 'meta' }, where.join(' · ')));
  if (c.messages && c.messages.length) add(out, [h('h3', null, 'Conversation'), conversation(c.messages)]);
  if (c.input !== undefined && c.input !== null) {
    add(out, h('h3', null, 'Input'));
    add(out, Array.isArray(c.input) ? conversation(c.input) : pre(textOf(c.input)));
  }
  if (c.expected !== undefined && c.expected !== null) add(out, [h('h3', null, 'Expected'), pre(textOf(c.expected), 'expected')]);
  if (c.expected_tool_calls && c.expected_tool_calls.length) add(out, [h('h3', null, 'Expected tool calls'), toolCalls(c.expected_tool_calls)]);
  if (c.context && c.context.length) add(out, [h('h3', null, 'Context passages (' + c.context.length + ')'), passages(c.context)]);
  add(out, h('h3', null, 'Answers'));
  var diff = wordDiff(c.baseline && !c.baseline.error ? c.baseline.output || '' : '', c.candidate && !c.candidate.error ? c.candidate.output || '' : '');
  add(out, h('div', { class: 'pair' }, SIDES.map(function (side, si) { return answer(side, c[side], diff ? diff[si] : null); })));
  add(out, scorerTable(c));
  return out;
}
function answer(side, r, marked) {
  var box = h('div', { class: 'answer', 'data-side': side }, h('h3', null, side));
  if (!r) { add(box, h('p', { class: 'note' }, 'not evaluated')); return box; }
  if (r.error) add(box, h('p', { class: 'err' }, 'error ' + r.error.kind + ': ' + r.error.message));
  if (r.output === null || r.output === undefined) add(box, h('p', { class: 'note' }, '(no text answer)'));
  else add(box, marked ? h('pre', { class: 'text output' }, marked) : pre(r.output, 'output'));
  if (r.tool_calls && r.tool_calls.length) add(box, [h('div', { class: 'small' }, 'Tool calls'), toolCalls(r.tool_calls)]);
  if (r.steps && r.steps.length) add(box, steps(r.steps));
  if (r.context && r.context.length) add(box, [h('div', { class: 'small' }, 'Context it returned (' + r.context.length + ')'), passages(r.context)]);
  var facts = ['latency ' + ms(r.latency_ms)];
  if (fin(r.ttft_ms)) facts.push('TTFT ' + ms(r.ttft_ms));
  if (fin(r.tpot_ms)) facts.push('TPOT ' + ms(r.tpot_ms));
  facts.push('tokens ' + count(r.input_tokens) + ' in / ' + count(r.output_tokens) + ' out', 'cost ' + usd(r.cost_usd));
  if (r.cached) facts.push('from cache');
  else if (fin(r.cached_repeats)) facts.push(count(r.cached_repeats) + ' repeats from cache');
  if (r.judge) facts.push('judge ' + usd(r.judge.cost_usd));
  if (r.label) facts.push('label ' + r.label.predicted + ' (expected ' + r.label.expected + ')');
  if (r.repeat_scores) facts.push('repeat scores ' + r.repeat_scores.map(score).join(', '));
  if (fin(r.distinct_outputs)) facts.push(r.distinct_outputs + ' distinct answers');
  add(box, h('p', { class: 'meta' }, facts.join(' · ')));
  return box;
}
function scorerTable(c) {
  var names = new Set();
  SIDES.forEach(function (x) { if (c[x]) { Object.keys(c[x].scores || {}).forEach(function (k) { names.add(k); }); Object.keys(c[x].reasons || {}).forEach(function (k) { names.add(k); }); } });
  var rows = [h('tr', { class: 'score-total' }, [h('td', null, 'case score (pass)')].concat(SIDES.map(function (x) {
    var r = c[x]; return h('td', { class: 'num' }, r ? score(r.score) + (r.pass ? ' ✓' : ' ✗') : '–');
  }), [h('td', null, ''), h('td', null, '')]))];
  Array.from(names).sort().forEach(function (name) {
    rows.push(h('tr', { class: 'scorer-row', 'data-scorer': name }, [h('td', null, name)].concat(
      SIDES.map(function (x) { var r = c[x]; return h('td', { class: 'num' }, r && r.scores ? score(r.scores[name]) : '–'); }),
      SIDES.map(function (x) { var r = c[x]; return h('td', { class: 'reason' }, r && r.reasons && r.reasons[name] ? r.reasons[name] : ''); }))));
  });
  return h('table', { class: 'scorers' }, [h('thead', null, h('tr', null, [h('th', null, 'Scorer'), h('th', { class: 'num' }, 'Baseline'),
    h('th', { class: 'num' }, 'Candidate'), h('th', null, 'Baseline reason'), h('th', null, 'Candidate reason')])), h('tbody', null, rows)]);
}
function contentText(content) {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(function (p) { return p && typeof p.text === 'string' ? p.text : '[' + (p && p.type) + ']'; }).join('\n');
  return textOf(content);
}
function conversation(turns) {
  return h('div', { class: 'conversation' }, turns.map(function (t) {
    var role = String(t.role || 'user');
    var head = role + (t.name ? ' · ' + t.name : '') + (t.tool_call_id ? ' · answers ' + t.tool_call_id : '');
    var text = contentText(t.content);
    return h('div', { class: 'turn ' + role.replace(/[^a-z]/g, '') }, [h('div', { class: 'role' }, head),
      text ? pre(text) : null, t.tool_calls && t.tool_calls.length ? toolCalls(t.tool_calls) : null]);
  }));
}
// Each call arrives as the text the comment and the console show (src/html/tool-calls.ts).
function toolCalls(calls) {
  return h('div', { class: 'tool-calls' }, calls.map(function (call) {
    return h('div', { class: 'call' }, (call.id ? '[' + call.id + '] ' : '') + call.text);
  }));
}
function steps(list) {
  return h('table', { class: 'steps' }, [h('thead', null, h('tr', null, [h('th', null, 'Step'), h('th', null, 'Answer and tool calls'), h('th', { class: 'num' }, 'Latency'), h('th', { class: 'num' }, 'Tokens'), h('th', null, 'Stop')])),
    h('tbody', null, list.map(function (st, i) {
      return h('tr', null, [h('td', { class: 'num' }, i + 1), h('td', null, [st.output ? pre(st.output) : null, st.tool_calls && st.tool_calls.length ? toolCalls(st.tool_calls) : null]),
        h('td', { class: 'num' }, ms(st.latency_ms)), h('td', { class: 'num' }, count(st.input_tokens) + ' / ' + count(st.output_tokens)), h('td', null, st.stop || '')]);
    }))]);
}
function passages(list) {
  var d = h('details', null, h('summary', null, 'show'));
  list.forEach(function (p, i) { add(d, [h('div', { class: 'small' }, '#' + (i + 1)), pre(p)]); });
  return d;
}

// ---- word-level diff ------------------------------------------------------------------------------
// Longest common subsequence over words and the spaces between them, after the common head and
// tail are set aside. Past LIMIT cells of the table the middle is shown as removed and added whole:
// two long, wholly different answers must not freeze the page.
var LIMIT = 4000000;
function wordDiff(a, b) {
  if (a === b || !a || !b) return null;
  var x = a.match(/\s+|[^\s]+/g) || [], y = b.match(/\s+|[^\s]+/g) || [];
  var head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  var tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  var xm = x.slice(head, x.length - tail), ym = y.slice(head, y.length - tail);
  var ops = [];
  var n = xm.length, m = ym.length;
  if (n * m > LIMIT) {
    xm.forEach(function (t) { ops.push(['-', t]); });
    ym.forEach(function (t) { ops.push(['+', t]); });
  } else {
    var L = new Uint32Array((n + 1) * (m + 1));
    for (var i = n - 1; i >= 0; i--) for (var j = m - 1; j >= 0; j--)
      L[i * (m + 1) + j] = xm[i] === ym[j] ? L[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(L[(i + 1) * (m + 1) + j], L[i * (m + 1) + j + 1]);
    var p = 0, q = 0;
    while (p < n && q < m) {
      if (xm[p] === ym[q]) { ops.push(['=', xm[p]]); p++; q++; }
      else if (L[(p + 1) * (m + 1) + q] >= L[p * (m + 1) + q + 1]) { ops.push(['-', xm[p]]); p++; }
      else { ops.push(['+', ym[q]]); q++; }
    }
    while (p < n) ops.push(['-', xm[p++]]);
    while (q < m) ops.push(['+', ym[q++]]);
  }
  var left = [x.slice(0, head).join('')], right = [y.slice(0, head).join('')];
  ops.forEach(function (o) {
    if (o[0] === '=') { left.push(o[1]); right.push(o[1]); }
    else if (o[0] === '-') left.push(h('del', null, o[1]));
    else right.push(h('ins', null, o[1]));
  });
  left.push(x.slice(x.length - tail).join('')); right.push(y.slice(y.length - tail).join(''));
  return [left, right];
}

// ---- start ----------------------------------------------------------------------------------------
// A large report arrives gzipped and base64-encoded (src/html/data.ts): unpacked here by the
// browser's own DecompressionStream, with no request of any kind.
function unpack(b64) {
  var bin = atob(b64), n = bin.length, bytes = new Uint8Array(n);
  for (var i = 0; i < n; i++) bytes[i] = bin.charCodeAt(i);
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text().then(JSON.parse);
}
function readData(id) {
  var raw = JSON.parse(document.getElementById(id).textContent);
  return raw && raw.encoding === 'gzip+base64' ? unpack(raw.data) : Promise.resolve(raw);
}
try {
  readData('evalgate-data').then(start).catch(failed);
} catch (err) { failed(err); }
})();
`;

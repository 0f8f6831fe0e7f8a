import type { EvalReport, ProfileSummary } from './evalReport';

/** Text for HTML: every suite, instance and profile name is untrusted (it comes from files anyone can write). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
const usd = (x: number | null) => (x === null ? '—' : x < 1 ? `$${x.toFixed(4)}` : `$${x.toFixed(2)}`);
const int = (n: number) => n.toLocaleString('en-US');

/** Chart geometry, px. */
const W = 780;
const H = 360;
const M = { left: 64, right: 200, top: 20, bottom: 52 }; // room on the right for the labels

/**
 * The chart: one point per profile at (USD per resolved instance, pass rate), its 95 % Wilson interval as a
 * vertical bar, the recommended profile ringed. Profiles that resolved nothing have no cost per resolved
 * instance and are listed under the chart instead. Plain SVG, no script: it renders in a browser, in a webview
 * with scripts disabled, and in a screenshot alike.
 */
export function paretoChartSvg(profiles: readonly ProfileSummary[], recommended?: string): string {
  const plotted = profiles.filter((p) => p.usdPerResolved !== null);
  const maxX = niceCeil(Math.max(0.0001, ...plotted.map((p) => p.usdPerResolved ?? 0)) * 1.15);
  const x = (v: number) => M.left + (v / maxX) * (W - M.left - M.right);
  const y = (v: number) => H - M.bottom - v * (H - M.top - M.bottom);
  const parts: string[] = [];
  for (let i = 0; i <= 5; i++) {
    const v = i / 5;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y(v)}" y2="${y(v)}" class="grid"/>`, `<text x="${M.left - 8}" y="${y(v) + 4}" text-anchor="end">${(v * 100).toFixed(0)} %</text>`);
    const xv = (maxX * i) / 5;
    parts.push(`<line x1="${x(xv)}" x2="${x(xv)}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}" class="axis"/>`, `<text x="${x(xv)}" y="${H - M.bottom + 19}" text-anchor="middle">${usd(xv)}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/>`, `<line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`);
  parts.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle" class="label">USD per resolved instance (lower is better) →</text>`);
  parts.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" class="label">pass rate, 95 % interval ↑</text>`);
  // Labels right of their point, moved down a line while they would overlap one already placed (same-cost
  // profiles at the same pass rate are common: 100 % for several).
  const placed: { x0: number; x1: number; y: number }[] = [];
  const order = [...plotted.entries()].sort((a, b) => (a[1].usdPerResolved ?? 0) - (b[1].usdPerResolved ?? 0));
  for (const [i, p] of order) {
    const cx = x(p.usdPerResolved ?? 0);
    const cy = y(p.passRate);
    const rec = p.name === recommended;
    const label = `${p.name}${rec ? ' (recommended)' : ''}`;
    const x0 = cx + 12;
    const x1 = x0 + label.length * 7.2; // ~px per character at 12 px bold
    let ly = cy - 8;
    while (placed.some((b) => b.x0 < x1 && x0 < b.x1 && Math.abs(b.y - ly) < 15)) ly += 15;
    placed.push({ x0, x1, y: ly });
    parts.push(
      `<g class="profile${rec ? ' recommended' : ''}" data-profile="${escapeHtml(p.name)}">`,
      `<line x1="${cx}" x2="${cx}" y1="${y(p.passRateLow)}" y2="${y(p.passRateHigh)}" class="ci"/>`,
      `<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(p.passRateLow)}" y2="${y(p.passRateLow)}" class="ci"/>`,
      `<line x1="${cx - 5}" x2="${cx + 5}" y1="${y(p.passRateHigh)}" y2="${y(p.passRateHigh)}" class="ci"/>`,
      rec ? `<circle cx="${cx}" cy="${cy}" r="11" class="ring"/>` : '',
      `<circle cx="${cx}" cy="${cy}" r="6" class="dot c${i % 6}"/>`,
      ly !== cy - 8 ? `<line x1="${cx + 6}" y1="${cy + 2}" x2="${x0 - 2}" y2="${ly - 4}" class="leader"/>` : '',
      `<text x="${x0}" y="${ly}" class="name">${escapeHtml(label)}</text>`,
      `</g>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="Pass rate against USD per resolved instance, per profile">${parts.join('')}</svg>`;
}

/** A round number ≥ v for an axis end (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten; fifths stay readable). */
function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * p >= v) ?? 10) * p;
}

/**
 * The evaluation report as one self-contained HTML file (inline CSS and SVG, no script, no network: a
 * Content-Security-Policy of `default-src 'none'` holds, so it opens the same in a browser and in a VS Code
 * webview). Colours follow VS Code's theme variables when it is shown there.
 */
export function evalReportHtml(r: EvalReport): string {
  const rec = r.recommendation?.profile;
  const profiles = r.profiles.map((p) => `<tr${p.name === rec ? ' class="rec"' : ''}><th scope="row">${escapeHtml(p.name)}</th><td>${p.resolved}/${p.instances}</td><td>${pct(p.passRate)}</td><td>${pct(p.passRateLow)} – ${pct(p.passRateHigh)}</td><td>${usd(p.usd)}</td><td>${usd(p.usdPerResolved)}</td><td>${int(p.calls)}</td><td>${int(p.tokens.input)}</td><td>${int(p.tokens.output)}</td><td>${int(p.tokens.cacheWrite)}</td><td>${int(p.tokens.cacheRead)}</td><td>${(p.wallMs / 1000).toFixed(1)} s</td></tr>`).join('');
  const phases = r.profiles.flatMap((p) => p.phases.map((f) => `<tr><th scope="row">${escapeHtml(p.name)}</th><td>${escapeHtml(f.phase)}</td><td>${int(f.calls)}</td><td>${int(f.attempts)}</td><td>${int(f.escalations)}</td><td>${int(f.tokens.input)}</td><td>${int(f.tokens.output)}</td><td>${int(f.tokens.cacheWrite + f.tokens.cacheRead)}</td><td>${usd(f.usd)}</td></tr>`)).join('');
  const names = r.profiles.map((p) => p.name);
  const instanceIds = [...new Set(r.instances.map((i) => i.instance))];
  const matrix = instanceIds.map((id) => `<tr><th scope="row">${escapeHtml(id)}</th>${names.map((n) => {
    const res = r.instances.find((i) => i.instance === id && i.profile === n);
    if (!res) return '<td>—</td>';
    return `<td class="${res.resolved ? 'ok' : 'no'}" title="${escapeHtml(res.reason)}">${res.resolved ? '✓ resolved' : `✗ ${escapeHtml(res.endState)}`}<br><small>${usd(res.usd)} · ${res.calls} calls · ${(res.wallMs / 1000).toFixed(1)} s</small></td>`;
  }).join('')}</tr>`).join('');
  const unplotted = r.profiles.filter((p) => p.usdPerResolved === null).map((p) => escapeHtml(p.name));
  const regressions = r.regressions?.length ? `<section class="regressions"><h2>Regressions against the baseline</h2><ul>${r.regressions.map((g) => `<li>${escapeHtml(g.message)}</li>`).join('')}</ul></section>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shipwright evaluation: ${escapeHtml(r.suite)}</title>
<style>
body { font: 13px/1.45 var(--vscode-font-family, system-ui, sans-serif); color: var(--vscode-foreground, #1f2328); background: var(--vscode-editor-background, #fff); margin: 20px 28px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 15px; margin: 24px 0 8px; }
.muted, small { color: var(--vscode-descriptionForeground, #59636e); }
table { border-collapse: collapse; margin: 4px 0; } th, td { padding: 4px 10px; border-bottom: 1px solid var(--vscode-panel-border, #d1d9e0); text-align: right; vertical-align: top; white-space: nowrap; }
th[scope=row], thead th:first-child { text-align: left; } thead th { font-weight: 600; }
tr.rec th, tr.rec td { background: var(--vscode-list-activeSelectionBackground, #ddf4ff); color: var(--vscode-list-activeSelectionForeground, inherit); }
td.ok { color: var(--vscode-testing-iconPassed, #1a7f37); } td.no { color: var(--vscode-testing-iconFailed, #cf222e); }
.recommendation { padding: 8px 12px; border-left: 4px solid var(--vscode-focusBorder, #0969da); background: var(--vscode-textBlockQuote-background, #f6f8fa); }
.regressions li { color: var(--vscode-errorForeground, #cf222e); }
svg text { fill: currentColor; font-size: 11px; } svg .label { font-size: 12px; } svg .name { font-size: 12px; font-weight: 600; }
svg .grid { stroke: var(--vscode-panel-border, #d1d9e0); stroke-dasharray: 2 3; } svg .axis { stroke: currentColor; }
svg .ci { stroke: currentColor; stroke-width: 1.5; } svg .leader { stroke: currentColor; stroke-width: 0.75; opacity: 0.6; } svg .ring { fill: none; stroke: var(--vscode-focusBorder, #0969da); stroke-width: 2.5; }
svg .c0 { fill: #0969da; } svg .c1 { fill: #bf3989; } svg .c2 { fill: #1a7f37; } svg .c3 { fill: #9a6700; } svg .c4 { fill: #8250df; } svg .c5 { fill: #cf222e; }
</style></head><body>
<h1>Evaluation of ${escapeHtml(r.suite)}</h1>
<p class="muted">${instanceIds.length} instance(s) × ${names.length} profile(s) · ${escapeHtml(r.startedAt)} to ${escapeHtml(r.finishedAt)} · resolved = the pipeline ended ready and every hidden fail-to-pass and pass-to-pass test passed</p>
${r.recommendation ? `<p class="recommendation"><strong>Recommended: ${escapeHtml(r.recommendation.profile)}</strong> — ${escapeHtml(r.recommendation.reason)}</p>` : ''}
${regressions}
<h2>Pass rate against cost per resolved instance</h2>
${paretoChartSvg(r.profiles, rec)}
${unplotted.length ? `<p class="muted">Resolved nothing (not on the chart): ${unplotted.join(', ')}</p>` : ''}
<h2>Profiles</h2>
<table><thead><tr><th>profile</th><th>resolved</th><th>pass rate</th><th>95 % interval</th><th>USD</th><th>USD / resolved</th><th>calls</th><th>input tok</th><th>output tok</th><th>cache write</th><th>cache read</th><th>wall</th></tr></thead><tbody>${profiles}</tbody></table>
<h2>Instances</h2>
<table><thead><tr><th>instance</th>${names.map((n) => `<th>${escapeHtml(n)}</th>`).join('')}</tr></thead><tbody>${matrix}</tbody></table>
<h2>Per phase</h2>
<table><thead><tr><th>profile</th><th>phase</th><th>calls</th><th>attempts</th><th>escalations</th><th>input tok</th><th>output tok</th><th>cache tok</th><th>USD</th></tr></thead><tbody>${phases}</tbody></table>
</body></html>
`;
}

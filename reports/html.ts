// A self-contained HTML report (no scripts, no external assets) for CI artifacts: the scenario x
// invariant grid, each first violation with its replay command and counterexample, and coverage.
import type { Summary } from "./summary.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderHtml(summary: Summary): string {
  const invariants = [...new Set(summary.cells.map((c) => c.invariant))];
  const rows = summary.scenarios.map((s) => {
    const cells = invariants.map((i) => {
      const c = summary.cells.find((x) => x.scenario === s && x.invariant === i);
      if (!c) return `<td class="na"></td>`;
      if (c.failed > 0) return `<td class="fail"><a href="#${esc(`${s}-${i}`)}">FAIL ${c.failed}/${c.runs}</a></td>`;
      return `<td class="${c.unknown > 0 ? "unknown" : "ok"}">ok ${c.passed}/${c.runs}${c.unknown > 0 ? ` (${c.unknown}?)` : ""}</td>`;
    });
    return `<tr><th>${esc(s)}</th>${cells.join("")}</tr>`;
  });
  const failures = summary.cells
    .filter((c) => c.firstViolation)
    .map((c) => {
      const v = c.firstViolation!;
      return `<section id="${esc(`${v.scenario}-${v.invariant}`)}"><h3>${esc(v.scenario)}: ${esc(v.invariant)} (seed ${v.seed})</h3><p>${esc(v.message)}</p><pre class="cmd">${esc(v.replay)}</pre><pre>${esc(v.counterexample.join("\n"))}</pre></section>`;
    });
  const coverage = Object.entries(summary.coverage.transitions)
    .map(([t, n]) => `<tr><td>${esc(t)}</td><td>${n}</td></tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>checkout-sim run</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
td.ok{background:#e8f5e9}td.fail{background:#ffebee;font-weight:bold}td.unknown{background:#fff8e1}td.na{background:#f5f5f5}
pre{background:#f6f8fa;padding:.6rem;overflow:auto}pre.cmd{background:#263238;color:#eceff1}
</style></head><body>
<h1>checkout-sim run</h1>
<p>${summary.runs} runs, ${summary.violations.length} violations.</p>
<table><tr><th>scenario</th>${invariants.map((i) => `<th>${esc(i)}</th>`).join("")}</tr>
${rows.join("\n")}
</table>
${failures.length > 0 ? `<h2>Violations</h2>\n${failures.join("\n")}` : "<h2>Every invariant held.</h2>"}
<h2>Coverage</h2><p>${Object.keys(summary.coverage.transitions).length} machine transitions taken, ${Object.keys(summary.coverage.stateFaults).length} (state, fault) pairs.</p>
<details><summary>Transitions taken</summary><table>${coverage}</table></details>
</body></html>
`;
}

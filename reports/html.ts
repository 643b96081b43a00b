// A self-contained HTML report for CI artifacts (inline CSS and SVG, one small inline script for the
// copy buttons, no network): the scenario x invariant grid, each shrunk violation with its replay
// command, sliced counterexample, timeline and statechart path, then coverage (transitions taken and
// a state x fault heatmap).
import { formatStep } from "../simulator/counterexample.ts";
import type { Summary, ViolationReport } from "./summary.ts";
import { shrinkLine } from "./summary.ts";
import { renderTimeline } from "./timeline.ts";
import { machineFor, parseTransitionKey, renderStatechart } from "./statechart.ts";
import { esc } from "./escape.ts";

/** The anchor of a scenario x invariant's violation (the grid links to it). */
export const violationAnchor = (scenario: string, invariant: string) => `v-${scenario}-${invariant}`.replace(/[^A-Za-z0-9_-]/g, "-");

export function renderHtml(summary: Summary, title = "checkout-sim run"): string {
  const invariants = [...new Set(summary.cells.map((c) => c.invariant))];
  const rows = summary.scenarios.map((s) => {
    const cells = invariants.map((i) => {
      const c = summary.cells.find((x) => x.scenario === s && x.invariant === i);
      if (!c) return `<td class="na"></td>`;
      if (c.failed > 0) return `<td class="fail"><a href="#${violationAnchor(s, i)}">FAIL ${c.failed}/${c.runs}</a></td>`;
      return `<td class="${c.unknown > 0 ? "unknown" : "ok"}">ok ${c.passed}/${c.runs}${c.unknown > 0 ? ` (${c.unknown}?)` : ""}</td>`;
    });
    return `<tr><th>${esc(s)}</th>${cells.join("")}</tr>`;
  });
  const firsts = summary.cells.filter((c) => c.firstViolation).map((c) => c.firstViolation!);
  const others = summary.violations.filter((v) => !firsts.includes(v));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${CSS}</style></head><body>
<h1>${esc(title)}</h1>
<p>${summary.runs} runs, ${summary.violations.length} violations${firsts.length > 0 ? `; the first of each scenario x invariant is shrunk and drawn below` : ""}.</p>
<table class="grid"><tr><th>scenario</th>${invariants.map((i) => `<th>${esc(i)}</th>`).join("")}</tr>
${rows.join("\n")}
</table>
${firsts.length > 0 ? `<h2>Violations</h2>\n${firsts.map(renderViolation).join("\n")}` : "<h2>Every invariant held.</h2>"}
${others.length > 0 ? renderOthers(others) : ""}
${renderExercised(summary)}
${renderCoverage(summary)}
<script>${SCRIPT}</script>
</body></html>
`;
}

function renderViolation(v: ViolationReport): string {
  const d = v.detail;
  const head = `<h3>${esc(v.scenario)}: ${esc(v.invariant)} <span class="muted">(seed ${v.seed}${d ? `, trace ${esc(d.traceHash)}` : ""})</span></h3>
<p class="message">${esc(v.message)}</p>
${d?.shrink ? `<p class="muted">${esc(shrinkLine(d.shrink))}</p>` : ""}
<div class="cmd"><pre><code>${esc(v.replay)}</code></pre><button type="button" class="copy" data-copy="${esc(v.replay)}">Copy</button></div>`;
  if (!d) return `<section class="violation" id="${violationAnchor(v.scenario, v.invariant)}">${head}<pre>${esc(v.counterexample.join("\n"))}</pre></section>`;
  const steps = d.steps.map((s) => `<li class="${s.fault ? "faulted" : ""}">${esc(formatStep(s))}</li>`).join("");
  const machine = machineFor(d.policy);
  const paths = Object.keys(d.paths);
  return `<section class="violation" id="${violationAnchor(v.scenario, v.invariant)}">${head}
<h4>Counterexample (${d.steps.length} steps)</h4>
<ol class="steps">${steps}</ol>
<p class="verdict">=&gt; ${esc(v.invariant)} violated: ${esc(v.message)}</p>
<h4>Timeline</h4>
<p class="legend"><span class="k hot"></span> the violation's steps <span class="k ok"></span> ok <span class="k info"></span> no answer <span class="k fail"></span> failed <span class="k faultk"></span> fault <span class="muted">(hover a bar for its detail)</span></p>
${renderTimeline(d.operations, new Set(d.picked), d.steps)}
${machine ? `<h4>Statechart: ${esc(machine.id)}</h4><p class="legend"><span class="k path"></span> path of ${paths.length > 0 ? esc(paths.join(", ")) : "the violating checkout"} <span class="k taken"></span> taken in this run <span class="k nottaken"></span> not taken</p><div class="chart">${renderStatechart(machine, { taken: d.transitions, paths: d.paths })}</div>` : ""}
</section>`;
}

function renderOthers(others: readonly ViolationReport[]): string {
  const rows = others
    .slice(0, 200)
    .map((v) => `<tr><td>${esc(v.scenario)}</td><td>${esc(v.invariant)}</td><td>${v.seed}</td><td>${esc(v.message)}</td><td><code>${esc(v.replay)}</code></td></tr>`)
    .join("");
  return `<details><summary>${others.length} further violations (not shrunk)</summary><table><tr><th>scenario</th><th>invariant</th><th>seed</th><th>message</th><th>replay</th></tr>${rows}</table></details>`;
}

/** Sometimes-assertions: what each scenario exists to provoke, and how many seeds provoked it. */
function renderExercised(summary: Summary): string {
  const rows = Object.entries(summary.exercised ?? {}).flatMap(([scenario, conditions]) =>
    Object.entries(conditions).map(([condition, hits]) => `<tr${hits === 0 ? ' class="vacuous"' : ""}><td>${esc(scenario)}</td><td>${esc(condition)}</td><td>${hits}/${summary.seedsPerScenario ?? "?"}${hits === 0 ? " never happened" : ""}</td></tr>`),
  );
  if (rows.length === 0) return "";
  return `<h2>Exercised conditions</h2><p>What each scenario exists to provoke, and how many seeds provoked it; a condition no seed hit makes the run vacuous.</p><table><tr><th>scenario</th><th>condition</th><th>seeds</th></tr>${rows.join("")}</table>`;
}

function renderCoverage(summary: Summary): string {
  const transitions = summary.coverage.transitions;
  const stateFaults = summary.coverage.stateFaults;
  const machines = [...new Set(Object.keys(transitions).map((k) => parseTransitionKey(k)?.machine).filter((m): m is string => m !== undefined))];
  const charts = machines
    .map((id) => machineFor(id.replace(/^checkout-/, "")))
    .filter((m) => m !== undefined)
    .map((m) => `<h4>${esc(m.id)}</h4><div class="chart">${renderStatechart(m, { taken: transitions })}</div>`)
    .join("");
  // The heatmap: states (rows) x fault sites (columns), shaded by how often a fault hit a process in that state.
  const pairs = Object.entries(stateFaults).map(([k, n]) => {
    const [state, site] = k.split(" x ");
    return { state: state!, site: site!, n };
  });
  const states = [...new Set(pairs.map((p) => p.state))].sort();
  const sites = [...new Set(pairs.map((p) => p.site))].sort();
  const max = Math.max(1, ...pairs.map((p) => p.n));
  const heat = states
    .map((s) => {
      const cells = sites.map((site) => {
        const n = pairs.find((p) => p.state === s && p.site === site)?.n ?? 0;
        const level = n === 0 ? 0 : 0.15 + 0.85 * (Math.log(n + 1) / Math.log(max + 1));
        return `<td class="heat" style="background:rgba(211,47,47,${level.toFixed(2)})" title="${esc(`${s} x ${site}: ${n}`)}">${n || ""}</td>`;
      });
      return `<tr><th>${esc(s)}</th>${cells.join("")}</tr>`;
    })
    .join("");
  const rows = Object.entries(transitions)
    .map(([t, n]) => `<tr><td>${esc(t)}</td><td>${n}</td></tr>`)
    .join("");
  return `<h2>Coverage</h2><p>${Object.keys(transitions).length} machine transitions taken, ${pairs.length} (state, fault) pairs.</p>
${charts}
${pairs.length > 0 ? `<h4>State x fault heatmap</h4><div class="scroll"><table class="heatmap"><tr><th>state \\ fault</th>${sites.map((s) => `<th class="rot"><span>${esc(s)}</span></th>`).join("")}</tr>${heat}</table></div>` : ""}
<details><summary>Transitions taken</summary><table>${rows}</table></details>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1400px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}h3{margin:.2rem 0}h4{margin:1rem 0 .4rem}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.ok{background:#e6f4ea}td.fail{background:#fde7e9;font-weight:600}td.fail a{color:#a40e26}td.unknown{background:#fff8e1}td.na{background:#f6f8fa}
.muted{color:#656d76}.message{font-weight:600}
section.violation{border:1px solid #d0d7de;border-radius:8px;padding:1rem;margin:1rem 0;scroll-margin-top:1rem}
section.violation:target{border-color:#cf222e;box-shadow:0 0 0 3px #ffd8d3}
.cmd{display:flex;gap:.5rem;align-items:flex-start}.cmd pre{flex:1;margin:0;background:#24292f;color:#f6f8fa;padding:.5rem .7rem;border-radius:6px;white-space:pre-wrap;word-break:break-all}
button.copy{padding:.35rem .8rem;border:1px solid #d0d7de;border-radius:6px;background:#f6f8fa;cursor:pointer}
ol.steps{font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:.5rem .5rem .5rem 2.6rem;border-radius:6px;margin:0}
ol.steps li.faulted{color:#a40e26}.verdict{font:12.5px ui-monospace,monospace;font-weight:600;color:#a40e26;margin:.3rem 0}
.timeline-wrap,.chart,.scroll{overflow-x:auto;border:1px solid #eaeef2;border-radius:6px;background:#fff}
svg{display:block;font:11px system-ui,sans-serif}
.lane{fill:#fff}.lane.odd{fill:#f6f8fa}.lanelabel{fill:#1f2328;font:11px ui-monospace,monospace}.tick{stroke:#eaeef2}.ticklabel{fill:#656d76;font-size:10px}
.op rect{fill:#c9d1d9;stroke:#afb8c1}.op.ok.hot rect{fill:#2f81f7;stroke:#0550ae}.op.info rect{fill:#f2cc60}.op.info.hot rect{fill:#d4a72c;stroke:#9a6700}
.op.fail rect{fill:#ffaba8}.op.fail.hot rect{fill:#e5534b;stroke:#a40e26}.op.pending rect{fill:#eaeef2;stroke-dasharray:3 2;stroke:#8c959f}.op.hot rect{stroke-width:1.5}
.fault path{fill:#ff8182;stroke:#cf222e}.fault.hot path{fill:#cf222e}.note circle{fill:#d0d7de}.note.hot circle{fill:#1a7f37}
g.op:hover rect,g.fault:hover path,g.note:hover circle{stroke:#000;stroke-width:2}
.state rect{fill:#fff;stroke:#afb8c1}.state text{fill:#656d76}.state.visited rect{fill:#ddf4ff;stroke:#54aeff}.state.visited text{fill:#1f2328}
.state.onpath rect{fill:#ffebe9;stroke:#cf222e;stroke-width:2}.state.onpath text{fill:#82071e;font-weight:600}.state.final rect{stroke-width:2.5}
.initial{fill:#1f2328}.edge{fill:none;stroke:#d0d7de;stroke-dasharray:4 3}.edge.taken{stroke:#0969da;stroke-dasharray:none;stroke-width:1.5}.edge.path{stroke:#cf222e;stroke-dasharray:none;stroke-width:3}
.legend{font-size:12px;color:#656d76}.k{display:inline-block;width:14px;height:10px;border-radius:2px;margin:0 .2rem 0 .6rem;vertical-align:middle}
.k.hot{background:#2f81f7}.k.ok{background:#c9d1d9}.k.info{background:#f2cc60}.k.fail{background:#e5534b}.k.faultk{background:#cf222e;transform:rotate(45deg);width:9px;height:9px}
.k.path{background:#cf222e}.k.taken{background:#0969da}.k.nottaken{background:repeating-linear-gradient(90deg,#d0d7de 0 4px,transparent 4px 7px)}
table.heatmap td.heat{text-align:right;min-width:2.2rem;font-size:12px}th.rot{height:130px;white-space:nowrap;vertical-align:bottom;padding:0 .2rem}th.rot span{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500}
`;

/** Copy buttons: the clipboard API where the page may use it, else a text selection and execCommand. */
const SCRIPT = `document.querySelectorAll("button.copy").forEach(function(b){b.addEventListener("click",function(){var t=b.getAttribute("data-copy")||"";var done=function(){b.textContent="Copied";setTimeout(function(){b.textContent="Copy"},1500)};var fallback=function(){var a=document.createElement("textarea");a.value=t;document.body.appendChild(a);a.select();try{document.execCommand("copy")}catch(e){}a.remove();done()};if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(t).then(done,fallback)}else{fallback()}})});`;

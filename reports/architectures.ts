// `compare --architectures` as Markdown (the table, the workload above it, the failing orders of the
// reconstruction audit below it) and as a self-contained HTML page with the latency chart: checkout
// p50 / p99 / p999 with the catalog crawler off and on, per architecture. Data in, text out.
import type { ArchitectureReport, ArchitectureRow, LatencyStats } from "../simulator/live/compareArchitectures.ts";
import { esc } from "./escape.ts";

const COLUMNS = [
  "architecture",
  "p50 ms off / on",
  "p99 ms off / on",
  "p999 ms off / on",
  "p99 on/off",
  "writes per confirmed order",
  "writes per abandoned cart",
  "orders reconstructable",
  "oversold units",
  "double charges",
] as const;

const ms = (v: number | null) => (v === null ? "-" : String(v));
const pair = (off: LatencyStats, on: LatencyStats, k: "p50" | "p99" | "p999") => `${ms(off[k])} / ${ms(on[k])}`;

function cells(a: ArchitectureRow): string[] {
  const r = a.reconstructable;
  return [
    a.name,
    pair(a.latency.off, a.latency.on, "p50"),
    pair(a.latency.off, a.latency.on, "p99"),
    pair(a.latency.off, a.latency.on, "p999"),
    a.latency.ratio.p99 === null ? "-" : `${a.latency.ratio.p99}x`,
    a.durableWrites.perConfirmedOrder === null ? "-" : String(a.durableWrites.perConfirmedOrder),
    a.durableWrites.perAbandonedCart === null ? "-" : String(a.durableWrites.perAbandonedCart),
    `${r.passed} / ${r.orders}`,
    String(a.oversold),
    String(a.doubleCharges),
  ];
}

function workloadLines(report: ArchitectureReport): string[] {
  const w = report.workload;
  const faults = Object.entries((w["faults"] ?? {}) as Record<string, number>).map(([site, p]) => `${site} ${p}`).join(", ");
  return [
    `Workload \`${String(w["scenario"])}\` on **${report.engine}**, live (real time, not deterministic), seed ${String(w["seed"])}: ${String(w["description"])}`,
    `${String(w["buyers"])} buyers arriving over ${String(w["durationMs"])} ms per run; ${String(w["skus"])} SKUs on sale (${String(w["hotSkus"])} hot, ${String(w["stockPerSku"])} units each) and ${String(w["catalogProducts"])} more in the catalog; crawler ${String(w["crawlerRps"])} requests/s (half searches, half product pages); faults in the faulted run: ${faults || "none"}.`,
    `Runs per architecture: ${((w["runs"] ?? []) as string[]).join(", ")}. Latency: real ms from a buyer's first click to the final answer, every answered checkout of the crawler-off (or -on) runs pooled (nearest rank; with fewer than 1000 checkouts p999 is the slowest one). Durable writes: the first crawler-off run.`,
  ];
}

export function renderArchitecturesMarkdown(report: ArchitectureReport): string {
  const lines = [
    ...workloadLines(report),
    "",
    `| ${COLUMNS.join(" | ")} |`,
    `|---|${COLUMNS.slice(1).map(() => "--:").join("|")}|`,
    ...report.architectures.map((a) => `| ${cells(a).join(" | ")} |`),
    "",
    "| architecture | stores | checkouts off / on | crawler sent (dropped) | crawler ms p50 / p99 | statements to the engine off / on | writes by table (crawler-off run) | violations in the faulted run |",
    "|---|---|--:|--:|--:|--:|---|---|",
    ...report.architectures.map((a) =>
      `| ${[
        a.name,
        Object.entries(a.stores).map(([s, e]) => `${s} ${e}`).join(", "),
        `${a.latency.off.checkouts} / ${a.latency.on.checkouts}`,
        `${a.latency.crawler.requested} (${a.latency.crawler.dropped})`,
        `${ms(a.latency.crawler.ms.p50)} / ${ms(a.latency.crawler.ms.p99)}`,
        `${a.latency.statements.off} / ${a.latency.statements.on}`,
        Object.entries(a.durableWrites.writesByTable).map(([t, n]) => `${t} ${n}`).join(", ") || "none",
        Object.entries(a.violations).filter(([, n]) => n > 0).map(([i, n]) => `${i} ${n}`).join(", ") || "none",
      ].join(" | ")} |`,
    ),
  ];
  for (const a of report.architectures) {
    const example = a.reconstructable.examples[0];
    if (example === undefined) continue;
    lines.push("", `${a.name}: order ${example.orderId} (checkout ${example.checkoutId}) cannot be reconstructed: ${example.missing.map((m) => `${m.what} at ${m.at} ms (${m.why})`).join("; ")}.`);
  }
  return lines.join("\n") + "\n";
}

/** Grouped bars: per architecture, p50 / p99 / p999 with the crawler off (light) and on (dark). */
export function renderLatencyChart(report: ArchitectureReport): string {
  const groups = report.architectures.flatMap((a) => (["p50", "p99", "p999"] as const).map((k) => ({ label: `${a.name} ${k}`, off: a.latency.off[k], on: a.latency.on[k] })));
  const max = Math.max(1, ...groups.flatMap((g) => [g.off ?? 0, g.on ?? 0]));
  const bar = 22;
  const gap = 26;
  const left = 40;
  const height = 220;
  const top = 16;
  const width = left + groups.length * (2 * bar + gap) + gap;
  const y = (v: number) => top + height - (v / max) * height;
  const bars = groups
    .map((g, i) => {
      const x = left + gap + i * (2 * bar + gap);
      const one = (v: number | null, dx: number, cls: string, what: string) =>
        v === null ? "" : `<rect class="${cls}" x="${x + dx}" y="${y(v).toFixed(1)}" width="${bar}" height="${(top + height - y(v)).toFixed(1)}"><title>${esc(`${g.label}, crawler ${what}: ${v} ms`)}</title></rect><text class="val" x="${x + dx + bar / 2}" y="${(y(v) - 3).toFixed(1)}">${v}</text>`;
      return `${one(g.off, 0, "off", "off")}${one(g.on, bar, "on", "on")}<text class="lbl" x="${x + bar}" y="${top + height + 14}">${esc(g.label)}</text>`;
    })
    .join("");
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<line class="tick" x1="${left}" x2="${width}" y1="${y(f * max).toFixed(1)}" y2="${y(f * max).toFixed(1)}"/><text class="ticklabel" x="${left - 4}" y="${(y(f * max) + 3).toFixed(1)}">${Math.round(f * max)}</text>`).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${top + height + 24}" role="img" aria-label="checkout latency, crawler off and on">${ticks}${bars}</svg>`;
}

export function renderArchitecturesHtml(report: ArchitectureReport): string {
  const head = `<tr>${COLUMNS.map((c) => `<th>${esc(c)}</th>`).join("")}</tr>`;
  const body = report.architectures.map((a) => `<tr>${cells(a).map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("");
  const failing = report.architectures
    .flatMap((a) => a.reconstructable.examples.map((e) => `<li><b>${esc(a.name)}</b> order ${esc(e.orderId)} (checkout ${esc(e.checkoutId)}): ${e.missing.map((m) => esc(`${m.what} at ${m.at} ms (${m.why})`)).join("; ")}</li>`))
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>checkout-sim compare --architectures (${esc(report.engine)})</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1f2328}
table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left}h2{border-bottom:1px solid #d0d7de}
svg{display:block;font:11px system-ui,sans-serif;overflow:visible}rect.off{fill:#9ecbff}rect.on{fill:#0550ae}
.tick{stroke:#eaeef2}.ticklabel{fill:#656d76;text-anchor:end;font-size:10px}.val{text-anchor:middle;font-size:10px;fill:#1f2328}.lbl{text-anchor:middle;fill:#1f2328}
.k{display:inline-block;width:14px;height:10px;margin:0 .3rem 0 .8rem}.k.off{background:#9ecbff}.k.on{background:#0550ae}.muted{color:#656d76}
</style></head><body>
<h1>Monolith vs split checkout on ${esc(report.engine)}</h1>
${workloadLines(report).map((l) => `<p class="muted">${esc(l.replace(/\*\*|`/g, ""))}</p>`).join("\n")}
<h2>Checkout latency, catalog crawler off and on</h2>
<p><span class="k off"></span>crawler off<span class="k on"></span>crawler on (real ms)</p>
${renderLatencyChart(report)}
<h2>The five failure modes</h2>
<table>${head}${body}</table>
${failing === "" ? "" : `<h3>Orders whose history cannot be reconstructed (first three per architecture)</h3><ul>${failing}</ul>`}
</body></html>
`;
}

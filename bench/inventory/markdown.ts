// The benchmark as a Markdown table (what `--out DIR` writes and docs/benchmarks.md quotes).
import type { InventoryBenchResult } from "./run.ts";
import { stockPerSku } from "./workload.ts";

const fmt = (v: number | null, digits = 3) => (v === null ? "-" : v.toFixed(digits));

export function renderMarkdown(r: InventoryBenchResult): string {
  const m = r.report.machine;
  const o = r.options;
  const lines = [
    "# Inventory contention benchmark",
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, ${m.platform}; Node ${m.node}; SQLite ${m.sqlite}; PostgreSQL ${m.postgres}; Redis ${m.redis}.`,
    "",
    `Workload: ${o.buyers} buyers, ${o.hotSkus} hot SKU(s), quantity ${o.quantity}, stock ${stockPerSku(o)} per SKU, ` +
      `${o.requests !== undefined ? `${o.requests} requests` : `${o.durationMs ?? 400} ms`} per cell, ` +
      `${o.arrivalRate !== undefined ? `open loop at ${o.arrivalRate} requests/s` : "closed loop"}, ${o.buckets} buckets, ${o.retriesMax} optimistic retries.`,
    "",
    "| engine | strategy | buyers | hot SKUs | reservations/s | p50 ms | p99 ms | p999 ms | aborts | retries | deadlocks | busy | oversell | undersell | x raw | audit |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
  ];
  r.report.cells.forEach((c, i) => {
    const x = r.extras[i];
    lines.push(
      `| ${c.engine} | ${c.strategy} | ${c.buyers} | ${c.hotSkus} | ${Math.round(c.reservationsPerSec).toLocaleString("en-US")} | ${fmt(c.p50Ms)} | ${fmt(c.p99Ms)} | ${fmt(c.p999Ms)} | ` +
        `${c.aborts} | ${c.retries} | ${x?.deadlocks ?? 0} | ${x?.busy ?? 0} | ${c.oversell} | ${c.undersell} | ${c.baselineRatio.toFixed(2)} | ${x?.auditOk === false ? "FAILED" : "ok"} |`,
    );
  });
  for (const s of r.skipped) lines.push("", s);
  return `${lines.join("\n")}\n`;
}

// `checkout-sim compare` as Markdown: one row per reservation policy, the workload it ran above the
// table, so a pasted table says what it measured.
import type { CompareReport } from "../simulator/compare.ts";

const COLUMNS = ["policy", "checkouts", "confirmed", "lost to holds", "oversells", "backorders", "apologies", "refunds/voids", "mean ms to confirm", "p99 ms to confirm", "violations"] as const;

export function renderCompareMarkdown(report: CompareReport): string {
  const w = report.workload;
  const faults = Object.entries((w["faults"] ?? {}) as Record<string, number>).map(([site, p]) => `${site} ${p}`).join(", ");
  const timing = (w["timing"] ?? {}) as Record<string, number>;
  const lines = [
    `Workload \`${String(w["scenario"])}\`: ${String(w["description"])}`,
    `${String(w["buyers"])} buyers, ${String(w["skus"])} SKUs (${String(w["hotSkus"])} hot), ${String(w["stockPerSku"])} units each, hold ${String(timing["holdMs"])} ms; faults: ${faults || "none"}.`,
    `Totals over ${report.seeds} seeds (from ${String(w["firstSeed"])}) per policy; times are virtual ms from the first submission to a confirmed outcome.`,
    "",
    `| ${COLUMNS.join(" | ")} |`,
    `|---|${COLUMNS.slice(1).map(() => "--:").join("|")}|`,
    ...report.policies.map((p) =>
      `| ${[p.policy, p.checkouts, p.confirmed, p.lostToHolds, p.oversells, p.backorders, p.apologies, p.refunds, p.meanConfirmMs ?? "-", p.p99ConfirmMs ?? "-", p.violations].join(" | ")} |`,
    ),
  ];
  return lines.join("\n") + "\n";
}

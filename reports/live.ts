// Renderers for `checkout-sim run --live`: the terminal text, Markdown for --out, and the JSON shape.
// A live report names the engines and says it is not deterministic; it carries operation and fault
// counts instead of a trace hash and a replay command.
import type { LiveRunResult } from "../simulator/live/runLive.ts";
import type { StoreEngines } from "../simulator/live/liveStores.ts";

export interface LiveReport {
  readonly engine: string;
  readonly stores: StoreEngines | null;
  readonly endpoints: Record<string, string>;
  readonly results: readonly LiveRunResult[];
}

export function liveJson(report: LiveReport) {
  const runs = report.results.map((r) => ({
    scenario: r.scenario,
    seed: r.seed,
    policy: r.policy,
    disabled: r.disabled,
    valid: r.check.valid,
    verdicts: r.check.verdicts.map((v) => ({ invariant: v.invariant, valid: v.valid, violations: v.violations.map((x) => x.message) })),
    operations: r.stats.operations,
    faults: r.stats.faults,
    faultsFired: r.stats.faultsFired,
    faultMix: r.faultMix,
    buyers: r.stats.buyers,
    checkouts: r.stats.checkouts,
    outcomes: r.stats.outcomes,
    crashes: r.stats.crashes,
    slowCalls: r.stats.slowCalls,
    callMs: r.stats.callMs,
    phasesMs: { safety: r.stats.safetyMs, liveness: r.stats.livenessMs, drain: r.stats.drainMs, total: r.stats.elapsedMs },
    liveness: r.stats.liveness,
    settled: r.stats.settled,
  }));
  return {
    mode: "live" as const,
    deterministic: false as const,
    engine: report.engine,
    stores: report.stores,
    endpoints: report.endpoints,
    held: runs.every((r) => r.valid === true),
    operations: runs.reduce((n, r) => n + r.operations, 0),
    faults: runs.reduce((n, r) => n + r.faults, 0),
    runs,
    violations: report.results.flatMap((r) => r.violations.map((v) => ({ scenario: r.scenario, seed: r.seed, invariant: v.invariant, message: v.message }))),
  };
}

const mark = (valid: boolean | "unknown") => (valid === true ? "ok" : valid === false ? "FAIL" : "unknown");

export function renderLiveText(report: LiveReport): string {
  const json = liveJson(report);
  const out: string[] = [];
  if (report.stores) out.push(`stores: ${Object.entries(report.stores).map(([s, e]) => `${s}=${e}`).join(" ")}`);
  for (const r of json.runs) {
    out.push("", `${r.scenario} seed ${r.seed} (live on ${report.engine}, not deterministic)`);
    for (const v of r.verdicts) {
      out.push(`  ${mark(v.valid).padEnd(7)} ${v.invariant}`);
      for (const m of v.violations.slice(0, 5)) out.push(`          ${m}`);
    }
    const fired = Object.entries(r.faultsFired).map(([s, n]) => `${s} ${n}`).join(", ");
    out.push(`  ${r.operations} operations, ${r.faults} faults${fired ? ` (${fired})` : ""}`);
    out.push(`  ${r.checkouts} checkouts: ${Object.entries(r.outcomes).map(([o, n]) => `${n} ${o}`).join(", ") || "none ended"}; calls p50 ${r.callMs.p50} ms, p99 ${r.callMs.p99} ms; ${r.slowCalls} real timeouts`);
    out.push(`  phases: safety ${r.phasesMs.safety} ms, liveness ${r.phasesMs.liveness} ms (${r.liveness}), drain ${r.phasesMs.drain} ms (${r.settled ? "settled" : "not settled"})`);
  }
  out.push(
    "",
    json.held
      ? `All invariants held: ${json.runs.length} live runs, ${json.operations} operations, ${json.faults} faults.`
      : `Not every invariant held: ${json.violations.length} violations in ${json.runs.length} live runs (${json.operations} operations, ${json.faults} faults).`,
  );
  return out.join("\n");
}

export function renderLiveMarkdown(report: LiveReport): string {
  const json = liveJson(report);
  const lines = [
    "# checkout-sim run --live",
    "",
    `Engine \`${report.engine}\`${report.stores ? ` (${Object.entries(report.stores).map(([s, e]) => `${s}: ${e}`).join(", ")})` : ""}. Real time and real concurrency: not deterministic, no trace hash.`,
    "",
    "| scenario | seed | verdict | operations | faults | checkouts | p99 call ms | liveness |",
    "|---|--:|---|--:|--:|--:|--:|---|",
  ];
  for (const r of json.runs) lines.push(`| ${r.scenario} | ${r.seed} | ${r.valid === true ? "held" : r.valid === false ? "**violated**" : "unknown"} | ${r.operations} | ${r.faults} | ${r.checkouts} | ${r.callMs.p99} | ${r.liveness} |`);
  for (const v of json.violations) lines.push("", `- **${v.scenario}** seed ${v.seed}, ${v.invariant}: ${v.message}`);
  return lines.join("\n") + "\n";
}

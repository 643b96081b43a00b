// The result of `checkout-sim run`: per scenario x invariant how many seeds held, failed or stayed
// unknown, the violations with their replay commands, and coverage. Every renderer reads this.
import type { InvariantName } from "../core/invariants/verdict.ts";
import type { Operation, Step } from "../simulator/counterexample.ts";
import { describeShrink, type ShrinkSize } from "../simulator/shrink.ts";

/** What the HTML report draws for one violation: its shrunk run, sliced, with the checkout paths. */
export interface ViolationDetail {
  readonly policy: string;
  readonly traceHash: string;
  /** The sliced counterexample as data. */
  readonly steps: readonly Step[];
  /** The run's operations (timeline lanes) and which of them the slice kept (start indexes). */
  readonly operations: readonly Operation[];
  readonly picked: readonly number[];
  /** Transitions the run took (`machine: from --EVENT--> to` -> times). */
  readonly transitions: Readonly<Record<string, number>>;
  /** The violating checkouts' processes -> the transitions each took, in order. */
  readonly paths: Readonly<Record<string, readonly string[]>>;
  readonly shrink?: { readonly tries: number; readonly before: ShrinkSize; readonly after: ShrinkSize };
  /** The exercised conditions the (shrunk) run hit. */
  readonly exercised?: readonly string[];
}

export interface ViolationReport {
  readonly scenario: string;
  readonly seed: number;
  readonly invariant: InvariantName;
  readonly message: string;
  readonly replay: string;
  readonly counterexample: readonly string[];
  /** Present for shrunk (first) violations: what the HTML report's timeline and statechart draw. */
  readonly detail?: ViolationDetail;
}

export interface Cell {
  readonly scenario: string;
  readonly invariant: InvariantName;
  runs: number;
  passed: number;
  failed: number;
  unknown: number;
  firstViolation?: ViolationReport;
}

export interface Summary {
  runs: number;
  readonly scenarios: readonly string[];
  readonly cells: Cell[];
  readonly violations: ViolationReport[];
  readonly coverage: { transitions: Record<string, number>; stateFaults: Record<string, number> };
  readonly determinism?: { checked: number; divergences: { scenario: string; seed: number; first: string; second: string }[] };
  /** Per scenario, each condition it declares (`exercises`) -> how many of its seeds hit it. */
  readonly exercised?: Record<string, Record<string, number>>;
  /** Seeds run per scenario (the denominator of `exercised`). */
  readonly seedsPerScenario?: number;
}

/** Declared conditions no seed hit: the run proved nothing about those moments. */
export function vacuous(summary: Summary): { scenario: string; condition: string }[] {
  const out: { scenario: string; condition: string }[] = [];
  for (const [scenario, conditions] of Object.entries(summary.exercised ?? {})) for (const [condition, hits] of Object.entries(conditions)) if (hits === 0) out.push({ scenario, condition });
  return out;
}

/** `flash-sale: concurrent-last-unit never happened in 20 seeds`. */
export const vacuityLine = (summary: Summary, v: { scenario: string; condition: string }): string => `${v.scenario}: ${v.condition} never happened in ${summary.seedsPerScenario ?? "the"} seeds`;

/** One cell of the exercised column: conditions hit by some seed / declared, e.g. `2/2`. */
function exercisedCell(summary: Summary, scenario: string): string {
  const conditions = summary.exercised?.[scenario];
  if (conditions === undefined || Object.keys(conditions).length === 0) return "-";
  const hit = Object.values(conditions).filter((n) => n > 0).length;
  return `${hit === Object.keys(conditions).length ? "ok" : "VACUOUS"} ${hit}/${Object.keys(conditions).length}`;
}

/** Terminal table: one row per scenario, one column per invariant it judges. */
export function renderTable(summary: Summary): string {
  const invariants = [...new Set(summary.cells.map((c) => c.invariant))];
  const short = (i: string) => i.replace("no-", "").replace("-per-checkout", "").replace("one-order", "1-order").slice(0, 14);
  const width = Math.max(...summary.scenarios.map((s) => s.length), 8);
  const withExercised = summary.exercised !== undefined;
  const head = ["scenario".padEnd(width), ...invariants.map((i) => short(i).padStart(14)), ...(withExercised ? ["exercised".padStart(12)] : [])].join(" ");
  const rows = summary.scenarios.map((s) =>
    [
      s.padEnd(width),
      ...invariants.map((i) => {
        const c = summary.cells.find((x) => x.scenario === s && x.invariant === i);
        const text = !c ? "-" : c.failed > 0 ? `FAIL ${c.failed}/${c.runs}` : c.unknown > 0 ? `ok ${c.passed}/${c.runs}?` : `ok ${c.passed}/${c.runs}`;
        return text.padStart(14);
      }),
      ...(withExercised ? [exercisedCell(summary, s).padStart(12)] : []),
    ].join(" "),
  );
  return [head, "-".repeat(head.length), ...rows].join("\n");
}

export function renderViolations(summary: Summary): string {
  const out: string[] = [];
  const firsts = summary.cells.filter((c) => c.firstViolation).map((c) => c.firstViolation!);
  for (const v of firsts) {
    // Read top to bottom: what broke, how small it got, the steps, the verdict, then how to replay it.
    out.push(`\n${v.scenario} / ${v.invariant} (seed ${v.seed}): ${v.message}`);
    if (v.detail?.shrink) out.push(`  ${shrinkLine(v.detail.shrink)}`);
    if (v.detail?.exercised && v.detail.exercised.length > 0) out.push(`  the shrunk run exercised: ${v.detail.exercised.join(", ")}`);
    for (const line of v.counterexample) out.push(`  ${line}`);
    out.push(`  replay: ${v.replay}`);
  }
  return out.join("\n");
}

/** `shrunk in 21 tries: buyers 50->3, ..., steps 207->12`. */
export const shrinkLine = (s: NonNullable<ViolationDetail["shrink"]>): string => describeShrink(s);

/** Markdown report for --out. */
export function renderMarkdown(summary: Summary): string {
  const invariants = [...new Set(summary.cells.map((c) => c.invariant))];
  const lines = [`# checkout-sim run`, "", `${summary.runs} runs, ${summary.violations.length} violations.`, "", `| scenario | ${invariants.join(" | ")} |`, `|---|${invariants.map(() => "---").join("|")}|`];
  for (const s of summary.scenarios) {
    const cells = invariants.map((i) => {
      const c = summary.cells.find((x) => x.scenario === s && x.invariant === i);
      return !c ? "" : c.failed > 0 ? `**FAIL** ${c.failed}/${c.runs}` : `ok ${c.passed}/${c.runs}${c.unknown ? ` (${c.unknown} unknown)` : ""}`;
    });
    lines.push(`| ${s} | ${cells.join(" | ")} |`);
  }
  for (const c of summary.cells.filter((x) => x.firstViolation)) {
    const v = c.firstViolation!;
    lines.push("", `## ${v.scenario}: ${v.invariant} (seed ${v.seed})`, "", v.message, "", ...(v.detail?.shrink ? [shrinkLine(v.detail.shrink), ""] : []), "```", ...v.counterexample, "```", "", "```sh", v.replay, "```");
  }
  lines.push("", ...renderExercisedMarkdown(summary));
  lines.push("", "## Coverage", "", `${Object.keys(summary.coverage.transitions).length} machine transitions taken, ${Object.keys(summary.coverage.stateFaults).length} (state, fault) pairs.`);
  return lines.join("\n") + "\n";
}

/** The exercised table: per scenario and declared condition, seeds that hit it. */
export function renderExercisedMarkdown(summary: Summary): string[] {
  const rows = Object.entries(summary.exercised ?? {}).flatMap(([scenario, conditions]) => Object.entries(conditions).map(([condition, hits]) => `| ${scenario} | ${condition} | ${hits}/${summary.seedsPerScenario ?? "?"} |${hits === 0 ? " **never**" : ""}`));
  if (rows.length === 0) return [];
  return ["## Exercised conditions", "", "What each scenario exists to provoke, and how many seeds provoked it (a condition no seed hit makes the run vacuous).", "", "| scenario | condition | seeds |", "|---|---|---|", ...rows];
}

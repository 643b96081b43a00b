// Combines the reports of a sharded run (`run --shard I/N --out DIR`, one per CI job) into the report of
// the whole grid: counts add up, each scenario x invariant keeps its lowest-seed first violation (the one
// the unsharded run would have shrunk), coverage and exercised counts add up.
import type { Cell, Summary, ViolationReport } from "./summary.ts";

export class MergeError extends Error {}

export function mergeSummaries(parts: readonly Summary[]): Summary {
  if (parts.length === 0) throw new MergeError("nothing to merge");
  const scenarios = [...new Set(parts.flatMap((p) => p.scenarios))];
  const cells = new Map<string, Cell>();
  const firsts: ViolationReport[] = [];
  const others: ViolationReport[] = [];
  for (const part of parts) {
    for (const c of part.cells) {
      const k = `${c.scenario}\u0000${c.invariant}`;
      const into = cells.get(k) ?? { scenario: c.scenario, invariant: c.invariant, runs: 0, passed: 0, failed: 0, unknown: 0 };
      into.runs += c.runs;
      into.passed += c.passed;
      into.failed += c.failed;
      into.unknown += c.unknown;
      if (c.firstViolation && (!into.firstViolation || c.firstViolation.seed < into.firstViolation.seed)) into.firstViolation = c.firstViolation;
      cells.set(k, into);
    }
  }
  const ordered = scenarios.flatMap((s) => [...cells.values()].filter((c) => c.scenario === s));
  for (const c of ordered) if (c.firstViolation) firsts.push(c.firstViolation);
  // A shard's shrunk first violation that another shard's lower seed beat reads as the unsharded run
  // shows a later failure: unshrunk, with its own replay command.
  const demote = (v: ViolationReport): ViolationReport => (v.unshrunk ? { scenario: v.scenario, seed: v.seed, invariant: v.invariant, message: v.unshrunk.message, replay: v.unshrunk.replay, counterexample: [] } : v);
  for (const part of parts) for (const v of part.violations) if (!firsts.some((f) => f.scenario === v.scenario && f.invariant === v.invariant && f.seed === v.seed)) others.push(demote(v));
  // The unsharded run's order: scenario, then seed, then the scenario's invariant order.
  const invariantIndex = (v: ViolationReport) => ordered.findIndex((c) => c.scenario === v.scenario && c.invariant === v.invariant);
  const violations = [...firsts, ...others].sort((a, b) => scenarios.indexOf(a.scenario) - scenarios.indexOf(b.scenario) || a.seed - b.seed || invariantIndex(a) - invariantIndex(b));

  const add = (into: Record<string, number>, from: Readonly<Record<string, number>> | undefined) => {
    for (const [k, v] of Object.entries(from ?? {})) into[k] = (into[k] ?? 0) + v;
  };
  const transitions: Record<string, number> = {};
  const stateFaults: Record<string, number> = {};
  const exercised: Record<string, Record<string, number>> = {};
  const seedsByScenario: Record<string, number> = {};
  for (const part of parts) {
    add(transitions, part.coverage.transitions);
    add(stateFaults, part.coverage.stateFaults);
    add(seedsByScenario, part.seedsByScenario);
    for (const [scenario, conditions] of Object.entries(part.exercised ?? {})) add((exercised[scenario] ??= {}), conditions);
  }
  const sorted = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const determinism = parts.some((p) => p.determinism)
    ? { checked: parts.reduce((n, p) => n + (p.determinism?.checked ?? 0), 0), divergences: parts.flatMap((p) => p.determinism?.divergences ?? []) }
    : undefined;
  return {
    runs: parts.reduce((n, p) => n + p.runs, 0),
    scenarios,
    cells: ordered,
    violations,
    coverage: { transitions: sorted(transitions), stateFaults: sorted(stateFaults) },
    exercised,
    seedsPerScenario: Math.max(0, ...Object.values(seedsByScenario)),
    seedsByScenario,
    ...(determinism ? { determinism } : {}),
  };
}

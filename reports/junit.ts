// JUnit XML for CI dashboards: one test case per scenario x invariant; a failure names the seed,
// the first violation and the replay command.
import type { Summary } from "./summary.ts";
import { esc } from "./escape.ts";

export function renderJunit(summary: Summary, allowVacuous = false): string {
  const cases = summary.cells;
  const exercised = (scenario: string) => Object.entries(summary.exercised?.[scenario] ?? {});
  const vacuousFails = (scenario: string) => (allowVacuous ? 0 : exercised(scenario).filter(([, hits]) => hits === 0).length);
  const total = cases.length + summary.scenarios.reduce((n, s) => n + exercised(s).length, 0);
  const failures = cases.filter((c) => c.failed > 0).length + summary.scenarios.reduce((n, s) => n + vacuousFails(s), 0);
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="checkout-sim" tests="${total}" failures="${failures}">`];
  for (const scenario of summary.scenarios) {
    const mine = cases.filter((c) => c.scenario === scenario);
    lines.push(`  <testsuite name="${esc(scenario)}" tests="${mine.length + exercised(scenario).length}" failures="${mine.filter((c) => c.failed > 0).length + vacuousFails(scenario)}">`);
    for (const c of mine) {
      lines.push(`    <testcase classname="${esc(scenario)}" name="${esc(c.invariant)}">`);
      if (c.failed > 0 && c.firstViolation) {
        const v = c.firstViolation;
        lines.push(`      <failure message="${esc(`${c.invariant} violated in ${c.failed} of ${c.runs} seeds (first: seed ${v.seed})`)}">${esc(`${v.message}\nreplay: ${v.replay}\n${v.counterexample.join("\n")}`)}</failure>`);
      } else if (c.unknown === c.runs && c.runs > 0) {
        lines.push(`      <skipped message="verdict unknown in every run: the run never reached a healed, quiescent end"/>`);
      }
      lines.push(`    </testcase>`);
    }
    // Sometimes-assertions: each declared condition must have happened in at least one seed.
    for (const [condition, hits] of exercised(scenario)) {
      lines.push(`    <testcase classname="${esc(scenario)}" name="exercised: ${esc(condition)}">`);
      if (hits === 0) lines.push(allowVacuous ? `      <skipped message="${esc(`${condition} never happened (allowed by --allow-vacuous)`)}"/>` : `      <failure message="${esc(`${scenario}: ${condition} never happened in ${summary.seedsPerScenario ?? "the"} seeds`)}">the run is vacuous for this condition: no seed provoked it</failure>`);
      lines.push(`    </testcase>`);
    }
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`);
  return lines.join("\n") + "\n";
}

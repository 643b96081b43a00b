// JUnit XML for CI dashboards: one test case per scenario x invariant; a failure names the seed,
// the first violation and the replay command.
import type { Summary } from "./summary.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function renderJunit(summary: Summary): string {
  const cases = summary.cells;
  const failures = cases.filter((c) => c.failed > 0).length;
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="checkout-sim" tests="${cases.length}" failures="${failures}">`];
  for (const scenario of summary.scenarios) {
    const mine = cases.filter((c) => c.scenario === scenario);
    lines.push(`  <testsuite name="${esc(scenario)}" tests="${mine.length}" failures="${mine.filter((c) => c.failed > 0).length}">`);
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
    lines.push(`  </testsuite>`);
  }
  lines.push(`</testsuites>`);
  return lines.join("\n") + "\n";
}

// `checkout-sim scenarios`: what each scenario tests, for people and for CI scripts (--json).
import { SCENARIOS } from "../../scenarios/index.ts";

export function scenariosAction(opts: { json?: boolean }): void {
  if (opts.json) {
    process.stdout.write(JSON.stringify(SCENARIOS.map((s) => ({ name: s.name, description: s.description, invariants: s.invariants })), null, 2) + "\n");
    return;
  }
  const width = Math.max(...SCENARIOS.map((s) => s.name.length));
  for (const s of SCENARIOS) {
    process.stdout.write(`${s.name.padEnd(width)}  ${s.description}\n${" ".repeat(width)}  judges: ${s.invariants.join(", ")}${s.policy ? `; policy ${s.policy}` : ""}\n`);
  }
}

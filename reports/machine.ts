// Renders the checkout contract for architects: a Mermaid state diagram per machine (every state
// named), a Markdown contract table (one row per transition), and the JSON other tools diff.
import type { MachineDescription } from "../core/checkout/describe.ts";
import { formatRetry } from "../core/checkout/contract.ts";

export const MACHINE_FORMATS = ["markdown", "mermaid", "json"] as const;
export type MachineFormat = (typeof MACHINE_FORMATS)[number];

const mermaidId = (state: string): string => state.replace(/[^A-Za-z0-9_]/g, "_");
const mermaidLabel = (text: string): string => text.replace(/[:;#]/g, " ").replace(/\s+/g, " ").trim();

/** One `stateDiagram-v2` per machine, titled with its id, separated by a blank line. */
export function renderMermaid(machines: readonly MachineDescription[]): string {
  return machines
    .map((m) => {
      const lines = ["---", `title: ${m.id}${m.policy ? ` (${m.policy})` : ""}`, "---", "stateDiagram-v2"];
      for (const s of m.states) lines.push(`  state "${s}" as ${mermaidId(s)}`);
      if (m.initial !== "") lines.push(`  [*] --> ${mermaidId(m.initial)}`);
      for (const t of m.transitions) lines.push(`  ${mermaidId(t.from)} --> ${mermaidId(t.to)} : ${mermaidLabel(t.event)}`);
      const targets = new Set(m.transitions.map((t) => t.from));
      for (const s of m.states) if (!targets.has(s)) lines.push(`  ${mermaidId(s)} --> [*]`);
      return lines.join("\n");
    })
    .join("\n\n")
    .concat("\n");
}

const cell = (text: string): string => text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\n/g, " ");

/** A contract table per machine: from, event, to, owner, key, timeout, retry, reconciliation, fallback. */
export function renderMarkdown(machines: readonly MachineDescription[]): string {
  const out: string[] = [];
  for (const m of machines) {
    out.push(`## ${m.id}${m.policy ? ` (policy \`${m.policy}\`)` : ""}`, "");
    out.push("| from | event | to | owner | key | timeout | retry | reconciliation | fallback |");
    out.push("|---|---|---|---|---|---|---|---|---|");
    for (const t of m.transitions)
      out.push(
        `| ${cell(t.from)} | ${cell(t.event)} | ${cell(t.to)} | ${cell(t.owner)} | \`${cell(t.idempotencyKey)}\` | ${t.timeoutMs} ms | ${cell(formatRetry(t.retry))} | ${cell(t.reconciliation)} | ${cell(t.customerFallback)} |`,
      );
    out.push("");
  }
  return out.join("\n");
}

/** Exactly `{ machines: [ { id, policy, transitions: [ { from, event, to, owner, idempotencyKey, timeoutMs, retry, reconciliation, customerFallback } ] } ] }`. */
export function renderJson(machines: readonly MachineDescription[]): string {
  const doc = {
    machines: machines.map((m) => ({
      id: m.id,
      policy: m.policy,
      transitions: m.transitions.map((t) => ({
        from: t.from,
        event: t.event,
        to: t.to,
        owner: t.owner,
        idempotencyKey: t.idempotencyKey,
        timeoutMs: t.timeoutMs,
        retry: { max: t.retry.max, backoff: t.retry.backoff, sameKey: t.retry.sameKey },
        reconciliation: t.reconciliation,
        customerFallback: t.customerFallback,
      })),
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export function renderMachines(machines: readonly MachineDescription[], format: MachineFormat): string {
  switch (format) {
    case "markdown":
      return renderMarkdown(machines);
    case "mermaid":
      return renderMermaid(machines);
    case "json":
      return renderJson(machines);
  }
}

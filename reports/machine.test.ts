// Goal: `checkout-sim machine` output is complete: JSON has exactly the promised shape with all six
// fields non-empty on every transition of all three policies; Mermaid names every state.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { describeMachine } from "../core/checkout/describe.ts";
import { POLICIES } from "../core/checkout/deps.ts";
import { createCheckoutMachine } from "../core/checkout/machine.ts";
import { renderJson, renderMarkdown, renderMermaid } from "./machine.ts";

const described = POLICIES.map((p) => describeMachine(createCheckoutMachine(p), p));

describe("machine renderers", () => {
  it("JSON lists every transition of all three policies with the six fields non-empty", () => {
    const doc = JSON.parse(renderJson(described)) as { machines: { id: string; policy: string; transitions: Record<string, unknown>[] }[] };
    expect(doc.machines.map((m) => m.policy)).toEqual([...POLICIES]);
    for (const m of doc.machines) {
      expect(Object.keys(m).sort()).toEqual(["id", "policy", "transitions"]);
      expect(m.transitions.length).toBeGreaterThan(40);
      for (const t of m.transitions) {
        expect(Object.keys(t)).toEqual(["from", "event", "to", "owner", "idempotencyKey", "timeoutMs", "retry", "reconciliation", "customerFallback"]);
        for (const f of ["owner", "idempotencyKey", "reconciliation", "customerFallback"]) expect(t[f]).not.toBe("");
        expect(t["timeoutMs"]).toBeGreaterThan(0);
        expect((t["retry"] as { backoff: string }).backoff).not.toBe("");
      }
    }
    const reserve = doc.machines[0]!.transitions.find((t) => t["from"] === "reservingStock");
    expect(reserve).toMatchObject({ owner: "inventory", idempotencyKey: "${checkoutId}:reserve" });
  });

  it("Mermaid names every state and starts at validating", () => {
    const text = renderMermaid(described);
    expect(text.match(/stateDiagram-v2/g)).toHaveLength(3);
    for (const m of described) for (const s of m.states) expect(text).toContain(`state "${s}" as ${s}`);
    expect(text).toContain("[*] --> validating");
    expect(described[2]!.states).toEqual(expect.arrayContaining(["backordering", "apologizing", "refunding", "voidingAuthorization", "releasingReservation", "cancellingOrder"]));
  });

  it("Markdown has one row per transition", () => {
    const text = renderMarkdown(described.slice(0, 1));
    const rows = text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| from"));
    expect(rows).toHaveLength(described[0]!.transitions.length);
  });

  it("the CLI prints JSON for one policy and refuses an unknown one with exit 2", () => {
    const out = execFileSync(process.execPath, ["bin/checkout-sim.mjs", "machine", "--format", "json", "--policy", "reserve-after-authorization"], { encoding: "utf8" });
    expect((JSON.parse(out) as { machines: unknown[] }).machines).toHaveLength(1);
    let code = 0;
    try {
      execFileSync(process.execPath, ["bin/checkout-sim.mjs", "machine", "--policy", "yolo"], { stdio: "ignore" });
    } catch (err) {
      code = (err as { status: number }).status;
    }
    expect(code).toBe(2);
  });
});

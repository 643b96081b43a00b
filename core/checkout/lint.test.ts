// Goal: `checkout-sim lint` passes the built-in machines, names the one transition of a fixture that
// lacks an idempotency key (exit 1), and refuses bad input with exit 2 and one line, no stack trace.
// The lint rules themselves are checked on small machines, each breaking one rule.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { createMachine } from "xstate";
import { formatFinding, lintMachine } from "./lint.ts";

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ["bin/checkout-sim.mjs", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { code: 0, stdout, stderr: "" };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const FIX = "core/checkout/fixtures";

describe("checkout-sim lint (CLI)", () => {
  it("passes the built-in machines", () => {
    const r = cli("lint");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("3 machines, 0 findings");
  });

  it("exits 1 and names the transition that lacks an idempotency key", () => {
    const r = cli("lint", `${FIX}/missingKey.ts`);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("fixture-payment: capturing --CAPTURED--> done: owned by payment-ledger but has no idempotency key");
    expect(r.stdout.split("\n").filter((l) => l.startsWith("fixture-payment:"))).toHaveLength(1);
  });

  it.each([
    ["a missing file", `${FIX}/doesNotExist.ts`, "no such file"],
    ["a syntax error", `${FIX}/syntaxError.mjs`, "cannot load"],
    ["a module exporting no machine", `${FIX}/noMachine.ts`, "exports no XState machine"],
  ])("exits 2 on %s, one line on stderr", (_what, file, message) => {
    const r = cli("lint", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const contract = { owner: "coordinator", idempotencyKey: "k", timeoutMs: 100, retry: { max: 1, backoff: "none", sameKey: true }, reconciliation: "q", customerFallback: "f" };

describe("lint rules", () => {
  it("flags missing fields, unreachable states, dead ends and waits without timeout", () => {
    const m = createMachine({
      id: "m",
      initial: "a",
      states: {
        a: { on: { GO: { target: "b", meta: { ...contract, reconciliation: "" } } }, after: { 100: { target: "done", meta: contract } } },
        b: { on: { LOOP: { target: "b", meta: contract } } },
        orphan: { after: { 100: { target: "done", meta: contract } } },
        done: { type: "final" },
      },
    });
    expect(lintMachine(m).map(formatFinding).sort()).toEqual(
      [
        "m: a --GO--> b: missing contract field reconciliation",
        "m: orphan: unreachable state",
        "m: b: no path to a final state",
        "m: b: waits for external events with no timeout (after)",
      ].sort(),
    );
  });

  it("flags an invoked service with neither onError nor a timeout", () => {
    const m = createMachine({
      id: "m",
      initial: "calling",
      states: { calling: { invoke: { id: "svc", src: "svc", onDone: { target: "done", meta: contract } } }, done: { type: "final" } },
    });
    expect(lintMachine(m).map(formatFinding)).toEqual(["m: calling: invokes svc with no onError and no timeout (after)"]);
  });

  it("flags a transition with no contract at all", () => {
    const m = createMachine({ id: "m", initial: "a", states: { a: { after: { 10: "done" } }, done: { type: "final" } } });
    expect(lintMachine(m).map(formatFinding)).toEqual(["m: a --after 10ms--> done: no contract (missing owner, idempotencyKey, timeoutMs, retry, reconciliation, customerFallback)"]);
  });
});

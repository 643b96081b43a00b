// Goal: the CI contract of `run --live`: bad input and an unreachable engine exit 2 with one line and
// nothing written; a live run prints JSON that says it is not deterministic, counts operations and
// faults, and writes its report and history under --out.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresForTests } from "../../adapters/postgres/testing.ts";

const pgEnv = await postgresForTests();
const dir = mkdtempSync(join(tmpdir(), "checkout-sim-live-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => spawnSync(process.execPath, ["bin/checkout-sim.mjs", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

describe("checkout-sim run --live: usage", () => {
  it.each([
    [["run", "flash-sale", "--stores", "postgres"], "--stores postgres needs --live"],
    [["run", "--live", "flash-sale", "--duration-ms", "10"], "--duration-ms must be at least 500"],
    [["run", "--live", "flash-sale", "--redis", "redis://x"], "--redis and --nats need --stores real"],
    [["run", "--live", "flash-sale", "--pg", "postgresql://127.0.0.1:1/none", "--out", join(dir, "down")], "PostgreSQL not reachable"],
  ])("%j exits 2 with one line", (args, message) => {
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe("");
  });

  it("writes nothing when the engine is down", () => {
    expect(existsSync(join(dir, "down")) ? readdirSync(join(dir, "down")) : []).toEqual([]);
  });
});

describe.skipIf(!pgEnv.available)("checkout-sim run --live --stores postgres", () => {
  it("prints the live JSON, exits 0 when every invariant held, writes the report and history", () => {
    const out = join(dir, "out");
    const r = cli("run", "--live", "--stores", "postgres", "duplicate-checkout-submission", "--duration-ms", "1000", "--buyers", "8", "--json", "--out", out);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { mode: string; deterministic: boolean; held: boolean; operations: number; faults: number; runs: { scenario: string; verdicts: { valid: unknown }[]; liveness: string }[]; stores: Record<string, string> };
    expect(json).toMatchObject({ mode: "live", deterministic: false, held: true });
    expect(json.operations).toBeGreaterThan(0);
    expect(json.runs.map((x) => x.scenario)).toEqual(["duplicate-checkout-submission"]);
    expect(json.runs[0]!.verdicts.every((v) => v.valid === true)).toBe(true);
    expect(json.stores).toMatchObject({ inventory: "postgres", orders: "postgres", payments: "postgres", commands: "postgres", cart: "memory" });
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8"))).toMatchObject({ mode: "live", held: true });
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain("not deterministic");
    const history = readFileSync(join(out, "history-duplicate-checkout-submission-1.jsonl"), "utf8").trim().split("\n");
    expect(history.filter((l) => (JSON.parse(l) as { type: string }).type === "invoke").length).toBeGreaterThanOrEqual(json.operations);
  });
});

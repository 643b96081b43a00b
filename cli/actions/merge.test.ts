// Goal: a CI matrix can split a run and get the same answer: `run --shard 1/2` + `run --shard 2/2`,
// merged, gives the cells, first violations, exercised counts and coverage of the unsharded run, and
// bad merge input exits 2 with one line.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "checkout-sim-merge-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (...args: string[]) => spawnSync(process.execPath, ["bin/checkout-sim.mjs", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

interface Report {
  runs: number;
  cells: unknown[];
  exercised: unknown;
  coverage: unknown;
  violations: { scenario: string; seed: number; invariant: string; replay: string }[];
}
const read = (d: string) => JSON.parse(readFileSync(join(d, "report.json"), "utf8")) as Report;

describe("checkout-sim run --workers", () => {
  it("gives the same JSON with one worker and with two (violations, shrunk counterexamples and all)", () => {
    const args = ["run", "flash-sale", "duplicate-checkout-submission", "--seeds", "4", "--disable", "checkout-key", "--json"];
    const one = cli(...args, "--workers", "1");
    const two = cli(...args, "--workers", "2");
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect((JSON.parse(one.stdout) as Report).runs).toBe(8);
    expect(cli("run", "flash-sale", "--workers", "0").status).toBe(2);
  });
});

describe("checkout-sim run --shard + merge", () => {
  it("two shards merged equal the unsharded run, violations included", () => {
    const args = ["run", "flash-sale", "duplicate-checkout-submission", "--seeds", "3", "--disable", "reservation", "--buyers", "12"];
    const a = cli(...args, "--shard", "1/2", "--out", join(dir, "a"));
    const b = cli(...args, "--shard", "2/2", "--out", join(dir, "b"));
    const full = cli(...args, "--out", join(dir, "full"));
    expect(full.status).toBe(1);
    expect([a.status, b.status]).toContain(1);
    const merged = cli("merge", join(dir, "a"), join(dir, "b"), "--out", join(dir, "m"), "--junit", join(dir, "m.xml"));
    expect(merged.status).toBe(1);
    const f = read(join(dir, "full"));
    const m = read(join(dir, "m"));
    expect(read(join(dir, "a")).runs + read(join(dir, "b")).runs).toBe(6);
    expect(m.runs).toBe(f.runs);
    expect(m.cells).toEqual(f.cells);
    expect(m.exercised).toEqual(f.exercised);
    expect(m.coverage).toEqual(f.coverage);
    expect(m.violations.map((v) => [v.scenario, v.seed, v.invariant, v.replay])).toEqual(f.violations.map((v) => [v.scenario, v.seed, v.invariant, v.replay]));
    expect(readFileSync(join(dir, "m.xml"), "utf8")).toContain("no-oversell");
  });

  it("refuses bad input with one line and exit 2", () => {
    const missing = cli("merge", join(dir, "nowhere"));
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    mkdirSync(join(dir, "junk"));
    writeFileSync(join(dir, "junk", "report.json"), "{}");
    const junk = cli("merge", join(dir, "junk"));
    expect(junk.status).toBe(2);
    expect(junk.stderr).toMatch(/not a mergeable run report/);
    expect(cli("run", "flash-sale", "--shard", "3/2").status).toBe(2);
  });
});

// Goal: `checkout-sim compare` as CI and users call it: bad flags exit 2 with one line and nothing
// written; a good run exits 0, prints the documented JSON (or the Markdown table) and writes the same
// report into --out atomically, with progress on stderr only.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { POLICIES } from "../../core/checkout/deps.ts";

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ["bin/checkout-sim.mjs", "compare", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return { code: 0, stdout, stderr: "" };
  } catch (err) {
    const e = err as { status: number; stdout: string; stderr: string };
    return { code: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), "compare-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("checkout-sim compare (CLI)", () => {
  it.each([
    [["--seeds", "x"], /--seeds must be a whole number/],
    [["--seeds", "0"], /--seeds must be at least 1/],
    [["--seeds", "99999999"], /--seeds must be at most/],
    [["--seed", "1.5"], /--seed must be a whole number/],
    [["--scenario", "no-such-scenario"], /unknown scenario "no-such-scenario"/],
    // --architectures is a mode of its own: the policy flags are refused with it, its flags without it.
    [["--architectures", "--seeds", "3"], /--seeds does not apply to compare --architectures/],
    [["--architectures", "--scenario", "flash-sale"], /--scenario does not apply to compare --architectures/],
    [["--architectures", "--machine", "examples/own-machine/fixed.ts"], /--machine does not apply to compare --architectures/],
    [["--architectures", "--engine", "mysql"], /--engine must be one of sqlite, postgres, got "mysql"/],
    [["--architectures", "--duration-ms", "100"], /--duration-ms must be at least 500/],
    [["--architectures", "--buyers", "0"], /--buyers must be at least 1/],
    [["--architectures", "--crawler-rps", "fast"], /--crawler-rps must be a whole number/],
    [["--architectures", "--pg", "postgresql://x/y"], /--pg needs --engine postgres/],
    [["--buyers", "10"], /--buyers applies to compare --architectures only/],
    [["--engine", "postgres"], /--engine applies to compare --architectures only/],
  ])("refuses %j with exit 2 and one line", (args, message) => {
    const r = cli(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.each([[["--seeds", "1"]], [["--architectures"]]])("refuses an --out that is a file with %j, and writes nothing", (args) => {
    const file = join(dir, "not-a-dir");
    writeFileSync(file, "keep");
    const r = cli(...args, "--out", file);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .* is a file/);
    expect(readFileSync(file, "utf8")).toBe("keep");
  });

  it("prints the documented JSON and writes compare.json and compare.md into --out", () => {
    const out = join(dir, "out");
    const r = cli("--seeds", "2", "--seed", "5", "--json", "--out", out);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { workload: Record<string, unknown>; seeds: number; policies: Record<string, unknown>[] };
    expect(Object.keys(report)).toEqual(["workload", "seeds", "policies"]);
    expect(report.seeds).toBe(2);
    expect(report.workload["scenario"]).toBe("policy-comparison");
    expect(report.workload["firstSeed"]).toBe(5);
    expect(report.policies.map((p) => p["policy"])).toEqual([...POLICIES]);
    for (const p of report.policies) {
      for (const k of ["confirmed", "lostToHolds", "oversells", "backorders", "apologies", "refunds", "violations"]) expect(typeof p[k], k).toBe("number");
      for (const k of ["meanConfirmMs", "p99ConfirmMs"]) expect(p[k] === null || typeof p[k] === "number", k).toBe(true);
    }
    expect(readFileSync(join(out, "compare.json"), "utf8")).toBe(r.stdout);
    const md = readFileSync(join(out, "compare.md"), "utf8");
    for (const policy of POLICIES) expect(md).toContain(`| ${policy} |`);
    expect(readdirSync(out).sort()).toEqual(["compare.json", "compare.md"]); // no temporary files left
  });

  it("prints the Markdown table by default, and runs any named scenario", () => {
    const r = cli("--seeds", "1", "--scenario", "flash-sale");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Workload `flash-sale`");
    expect(r.stdout).toMatch(/\| policy \| checkouts \| confirmed \| lost to holds \|/);
    expect(r.stdout.split("\n").filter((l) => POLICIES.some((p) => l.startsWith(`| ${p} |`)))).toHaveLength(3);
  });
});

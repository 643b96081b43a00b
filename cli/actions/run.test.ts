// Goal: the CI contract of `run` and `replay`: exit codes 0 / 1 / 2, the JSON shape, JUnit XML that a
// CI dashboard can parse, and bad input refused with one line and nothing written.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "checkout-sim-run-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => spawnSync(process.execPath, ["bin/checkout-sim.mjs", ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });

/** A small well-formedness check: every tag closes in order, and the attributes we rely on are there. */
function parseXml(xml: string): { name: string; attrs: Record<string, string> }[] {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const stack: string[] = [];
  const elements: { name: string; attrs: Record<string, string> }[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>/g)) {
    const [, closing, name, rest, selfClosing] = m;
    if (closing) {
      expect(stack.pop()).toBe(name);
      continue;
    }
    const attrs = Object.fromEntries([...rest!.matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
    elements.push({ name: name!, attrs });
    if (!selfClosing) stack.push(name!);
  }
  expect(stack).toEqual([]);
  return elements;
}

describe("checkout-sim run: exercised conditions (sometimes-assertions)", () => {
  it("a run in which a declared condition never happened is vacuous: exit 1 naming it; --allow-vacuous exits 0", () => {
    const r = cli("run", "flash-sale", "--faults", "none", "--buyers", "1", "--seeds", "5", "--junit", join(dir, "vacuous.xml"));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("vacuous: flash-sale: concurrent-last-unit never happened in 5 seeds");
    expect(r.stdout).toContain("All invariants held");
    const xml = readFileSync(join(dir, "vacuous.xml"), "utf8");
    expect(xml).toContain('name="exercised: concurrent-last-unit"');
    expect(xml).toMatch(/<failure message="flash-sale: concurrent-last-unit never happened in 5 seeds"/);
    const allowed = cli("run", "flash-sale", "--faults", "none", "--buyers", "1", "--seeds", "5", "--allow-vacuous", "--json");
    expect(allowed.status).toBe(0);
    const json = JSON.parse(allowed.stdout) as { exercised: Record<string, Record<string, number>>; vacuous: { scenario: string; condition: string }[] };
    expect(json.exercised["flash-sale"]).toEqual({ "concurrent-last-unit": 0 });
    expect(json.vacuous).toEqual([{ scenario: "flash-sale", condition: "concurrent-last-unit" }]);
  });

  it("counts seeds per declared condition when it happened, and replay --json lists what its run exercised", () => {
    const r = cli("run", "duplicate-checkout-submission", "--seeds", "3", "--json");
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { exercised: Record<string, Record<string, number>>; vacuous: unknown[] };
    expect(json.exercised["duplicate-checkout-submission"]!["double-submit-in-flight"]).toBeGreaterThan(0);
    expect(json.vacuous).toEqual([]);
    const replay = cli("replay", "duplicate-checkout-submission", "--seed", "1", "--json");
    expect((JSON.parse(replay.stdout) as { exercised: string[] }).exercised).toContain("double-submit-in-flight");
  });
});

describe("checkout-sim run", () => {
  it("exits 0 with JSON when every invariant holds", () => {
    const r = cli("run", "flash-sale", "--seeds", "2", "--json");
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { runs: number; violations: unknown[]; coverage: { transitionsTaken: number } };
    expect(json.runs).toBe(2);
    expect(json.violations).toEqual([]);
    expect(json.coverage.transitionsTaken).toBeGreaterThan(5);
  });

  it("exits 1 on a violation, names it with a replay command, and writes parseable JUnit XML and reports", () => {
    const junit = join(dir, "junit.xml");
    const out = join(dir, "report");
    const r = cli("run", "flash-sale", "--seeds", "2", "--disable", "reservation", "--json", "--junit", junit, "--out", out);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { violations: { invariant: string; replay: string; counterexample: string[] }[] };
    expect(json.violations.map((v) => v.invariant)).toContain("no-oversell");
    const first = json.violations.find((v) => v.invariant === "no-oversell")!;
    expect(first.replay).toMatch(/^npx checkout-sim replay flash-sale --seed \d+ --disable reservation/);
    expect(first.counterexample.at(-1)).toMatch(/no-oversell violated/);
    const elements = parseXml(readFileSync(junit, "utf8"));
    const cases = elements.filter((e) => e.name === "testcase");
    expect(cases.map((c) => c.attrs["name"])).toContain("no-oversell");
    expect(elements.filter((e) => e.name === "failure").length).toBeGreaterThan(0);
    expect(existsSync(join(out, "report.md")) && existsSync(join(out, "report.json"))).toBe(true);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("<!doctype html>");
    expect(html).toMatch(/FAIL \d+\/2/);
  });

  it("the replay command a failure prints reproduces it, with the same trace hash twice", () => {
    const a = JSON.parse(cli("replay", "flash-sale", "--seed", "1", "--disable", "reservation", "--json").stdout) as { traceHash: string; violations: unknown[] };
    const b = JSON.parse(cli("replay", "flash-sale", "--seed", "1", "--disable", "reservation", "--json").stdout) as { traceHash: string };
    expect(a.violations.length).toBeGreaterThan(0);
    expect(b.traceHash).toBe(a.traceHash);
  });

  it("a shrunk failure prints its sizes, at most 15 steps, the violation, then the replay, which reproduces it through the CLI", () => {
    const r = cli("run", "flash-sale", "--seeds", "1", "--disable", "reservation");
    expect(r.status).toBe(1);
    const block = r.stdout.slice(r.stdout.indexOf("flash-sale / no-oversell"));
    const lines = block.split("\n").slice(0, 25);
    expect(lines[1]).toMatch(/^  shrunk in \d+ tries: buyers 50->\d+, .*steps \d+->\d+$/);
    const verdictAt = lines.findIndex((l) => l.startsWith("  => no-oversell violated: "));
    expect(verdictAt).toBeGreaterThan(2);
    expect(verdictAt - 2).toBeLessThanOrEqual(15);
    const replay = lines[verdictAt + 1]!;
    expect(replay).toMatch(/^  replay: npx checkout-sim replay flash-sale --seed 1 --disable reservation .*--firings /);
    const args = replay.replace("  replay: npx checkout-sim ", "").split(" ");
    const json = JSON.parse(cli(...args, "--json").stdout) as { traceHash: string; counterexample: { t: number; process: string; op: string; detail: string; fault?: string }[] };
    expect(json.counterexample.length).toBe(verdictAt - 2);
    for (const step of json.counterexample) expect(Object.keys(step).sort()).toEqual(expect.arrayContaining(["detail", "op", "process", "t"]));
    expect(json.counterexample[0]!.detail).toBe(lines[2]!.replace(/^ +1\. t=\d+ms [^:]+: \S+ /, ""));
  });

  it("replay --out writes a self-contained report of that one run", () => {
    const out = join(dir, "replay-report");
    const r = cli("replay", "flash-sale", "--seed", "1", "--disable", "reservation", "--buyers", "2", "--skus", "1", "--stock-per-sku", "1", "--out", out);
    expect(r.status).toBe(1);
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain('id="v-flash-sale-no-oversell"');
    expect(html).toContain('<svg class="timeline"');
    expect(html).toContain('<svg class="statechart"');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it("--check-determinism runs every seed twice and reports no divergence", () => {
    const r = cli("run", "coordinator-crash", "--seeds", "2", "--check-determinism", "--json");
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout) as { determinism: { checked: number; divergences: unknown[] } };
    expect(json.determinism).toEqual({ checked: 2, divergences: [] });
  });

  it.each([
    [["run", "no-such-scenario"], /unknown scenario/],
    [["run", "--seeds", "ten"], /--seeds must be a whole number/],
    [["run", "--disable", "everything"], /--disable must be one of/],
    [["run", "--stores", "oracle"], /--stores must be one of/],
    [["run", "--junit", "/no/such/dir/junit.xml"], /cannot write there/],
    [["run", "--out", "README.md"], /is a file/],
    [["replay", "flash-sale", "--seed", "x"], /--seed must be a whole number/],
    [["replay", "flash-sale"], /required option/],
    [["replay", "flash-sale", "--seed", "1", "--firings", "store.latency"], /--firings must be/],
    [["replay", "flash-sale", "--seed", "1", "--skus", "0"], /--skus must be/],
  ])("bad input %j exits 2 with one line and nothing written", (args, message) => {
    const r = cli(...(args as string[]));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(r.stdout).toBe("");
  });
});

// Goal: real time stays in live mode. Outside simulator/live/ the simulator reads no wall clock; inside
// it, every wall-clock read or real timer is marked `// live mode: real time`, so a reviewer sees each one.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const sources = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts")).map((f) => join(dir, f));
const WALL_CLOCK = /\b(Date\.now|performance\.now)\(/;
const REAL_TIMER = /(^|[^.\w])(setTimeout|clearTimeout|setInterval)\(/;

describe("real time in the simulator", () => {
  it("no simulator file outside live/ reads the wall clock", () => {
    const offenders = sources(root).flatMap((f) => readFileSync(f, "utf8").split("\n").map((line, i) => [f, i + 1, line] as const)).filter(([, , line]) => WALL_CLOCK.test(line));
    expect(offenders).toEqual([]);
  });

  it("every wall-clock read and real timer in live/ is marked", () => {
    const unmarked: string[] = [];
    for (const f of sources(join(root, "live"))) {
      const lines = readFileSync(f, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!WALL_CLOCK.test(line) && !REAL_TIMER.test(line)) return;
        if (/^\s*(\/\/|\*)/.test(line)) return;
        const marked = line.includes("// live mode: real time") || (lines[i - 1] ?? "").includes("// live mode: real time");
        if (!marked) unmarked.push(`${f}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(unmarked).toEqual([]);
  });
});

// What `checkout-sim bench inventory` does once its flags are valid: run, print, write files, and
// pick the exit code (1 when a correct strategy failed its stock audit).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderMarkdown } from "./markdown.ts";
import { runInventoryBench } from "./run.ts";
import type { InventoryBenchOptions } from "./workload.ts";

export async function runInventoryCommand(options: InventoryBenchOptions, output: { json: boolean; outDir?: string }): Promise<number> {
  const result = await runInventoryBench(options, (line) => process.stderr.write(`${line}\n`));
  const markdown = renderMarkdown(result);
  const json = `${JSON.stringify(result.report, null, 2)}\n`;
  if (output.outDir !== undefined) {
    mkdirSync(output.outDir, { recursive: true });
    writeFileSync(join(output.outDir, "inventory-bench.md"), markdown);
    writeFileSync(join(output.outDir, "inventory-bench.json"), json);
  }
  process.stdout.write(output.json ? json : markdown);
  const failed = result.report.cells.filter((c, i) => c.strategy !== "broken" && result.extras[i]?.auditOk === false);
  for (const c of failed) process.stderr.write(`bench inventory: ${c.engine}/${c.strategy} failed the stock audit: ${result.extras[result.report.cells.indexOf(c)]?.violations.join("; ")}\n`);
  return failed.length > 0 ? 1 : 0;
}

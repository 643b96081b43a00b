// `checkout-sim merge DIR...`: the shards of one run, read from their report.json, reported as one run.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Summary } from "../../reports/summary.ts";
import { mergeSummaries } from "../../reports/merge.ts";
import { UsageError } from "../usage.ts";
import { checkWritableDir, checkWritableFile } from "./output.ts";
import { writeRunOutputs } from "./run.ts";

interface MergeFlags {
  out?: string;
  junit?: string;
  json?: boolean;
  allowVacuous?: boolean;
}

export async function mergeAction(dirs: string[], flags: MergeFlags): Promise<void> {
  // Read and check every input before writing anything.
  const parts = dirs.map(readSummary);
  if (flags.out) checkWritableDir(flags.out, "--out");
  if (flags.junit) checkWritableFile(flags.junit, "--junit");
  writeRunOutputs(mergeSummaries(parts), flags);
}

function readSummary(dir: string): Summary {
  const file = join(dir, "report.json");
  if (!existsSync(file)) throw new UsageError(`${dir}: no report.json (write one with \`checkout-sim run --out ${dir}\`)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    throw new UsageError(`${file}: not valid JSON`);
  }
  const summary = (parsed as { summary?: Summary }).summary;
  if (summary === undefined || !Array.isArray(summary.cells) || !Array.isArray(summary.scenarios)) throw new UsageError(`${file}: not a mergeable run report (written by an older checkout-sim, or by replay)`);
  return summary;
}

// Loads the XState machines a user's module exports (through tsx, so TypeScript works without a
// build), for `lint FILE`, `machine FILE` and `run/replay/compare --machine FILE`. Bad input (no such
// file, a syntax error, no machine, an ambiguous export) is a UsageError: one line, exit 2.
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyStateMachine } from "xstate";
import { isStateMachine } from "../../core/checkout/lint.ts";
import { UsageError } from "../usage.ts";

const EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

const firstLine = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split("\n").find((l) => l.trim() !== "") ?? text).trim();
};

export interface ExportedMachine {
  /** The export's name (`default` for a default export). */
  readonly name: string;
  readonly machine: AnyStateMachine;
}

/** Every distinct machine a module exports, default or named, in export order. `who` prefixes messages. */
export async function machinesOf(file: string, who: string): Promise<ExportedMachine[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`${who}: no such file: ${file}`);
  if (!statSync(path).isFile()) throw new UsageError(`${who}: not a file: ${file}`);
  if (!EXTENSIONS.includes(extname(path))) throw new UsageError(`${who}: ${file}: expected a ${EXTENSIONS.join(", ")} module`);
  let mod: Record<string, unknown>;
  try {
    const { tsImport } = await import("tsx/esm/api");
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`${who}: cannot load ${file}: ${firstLine(err)}`);
  }
  const found: ExportedMachine[] = [];
  for (const [name, value] of Object.entries(mod)) if (isStateMachine(value) && !found.some((f) => f.machine === value)) found.push({ name, machine: value });
  if (found.length === 0) throw new UsageError(`${who}: ${file} exports no XState machine`);
  return found;
}

/** The one machine `--machine FILE [--machine-export NAME]` names. */
export async function oneMachine(file: string, exportName: string | undefined): Promise<ExportedMachine> {
  const found = await machinesOf(file, "--machine");
  const names = found.map((f) => f.name).join(", ");
  if (exportName !== undefined) {
    const chosen = found.find((f) => f.name === exportName);
    if (chosen === undefined) throw new UsageError(`--machine-export: ${file} exports no machine named ${JSON.stringify(exportName)} (its machines: ${names})`);
    return chosen;
  }
  if (found.length > 1) throw new UsageError(`--machine: ${file} exports ${found.length} machines (${names}): choose one with --machine-export NAME`);
  return found[0]!;
}

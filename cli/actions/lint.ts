// `checkout-sim lint`: loads the machines (built-in, or exported by the user's modules through tsx
// so TypeScript works without a build), lints them, prints one line per finding.
import { existsSync, statSync } from "node:fs";
import { extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { AnyStateMachine } from "xstate";
import { POLICIES } from "../../core/checkout/deps.ts";
import { formatFinding, isStateMachine, lintMachine } from "../../core/checkout/lint.ts";
import { createCheckoutMachine } from "../../core/checkout/machine.ts";
import { EXIT, UsageError } from "../usage.ts";

const EXTENSIONS = [".ts", ".mts", ".js", ".mjs"];

const firstLine = (err: unknown): string => {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split("\n").find((l) => l.trim() !== "") ?? text).trim();
};

/** Every distinct machine a module exports, default or named, in export order. */
async function machinesOf(file: string): Promise<AnyStateMachine[]> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`lint: no such file: ${file}`);
  if (!statSync(path).isFile()) throw new UsageError(`lint: not a file: ${file}`);
  if (!EXTENSIONS.includes(extname(path))) throw new UsageError(`lint: ${file}: expected a ${EXTENSIONS.join(", ")} module`);
  let mod: Record<string, unknown>;
  try {
    const { tsImport } = await import("tsx/esm/api");
    mod = (await tsImport(pathToFileURL(path).href, import.meta.url)) as Record<string, unknown>;
  } catch (err) {
    throw new UsageError(`lint: cannot load ${file}: ${firstLine(err)}`);
  }
  const found: AnyStateMachine[] = [];
  for (const value of Object.values(mod)) if (isStateMachine(value) && !found.includes(value)) found.push(value);
  if (found.length === 0) throw new UsageError(`lint: ${file} exports no XState machine`);
  return found;
}

/** Prints findings to stdout and returns the exit code (0 clean, 1 findings); bad input throws UsageError. */
export async function lintAction(files: readonly string[]): Promise<number> {
  const machines: AnyStateMachine[] = [];
  if (files.length === 0) machines.push(...POLICIES.map(createCheckoutMachine));
  else for (const f of files) machines.push(...(await machinesOf(f)));
  const lines = machines.flatMap(lintMachine).map(formatFinding);
  for (const line of lines) process.stdout.write(`${line}\n`);
  const summary = `lint: ${machines.length} machine${machines.length === 1 ? "" : "s"}, ${lines.length} finding${lines.length === 1 ? "" : "s"}`;
  process.stdout.write(`${summary}\n`);
  return lines.length === 0 ? EXIT.ok : EXIT.violation;
}

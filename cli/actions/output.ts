// Output files are checked before a long run starts and written atomically after it: a bad path
// fails fast with exit 2, and a reader never sees half a report.
import { accessSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../usage.ts";

/** Fails with a UsageError unless `file` can be created or replaced. */
export function checkWritableFile(file: string, option: string): void {
  const path = resolve(file);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${option} ${file} is a directory, not a file`);
    accessSync(dirname(path), constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${option} ${file}: cannot write there (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Creates DIR if needed and fails with a UsageError unless it is writable. */
export function checkWritableDir(dir: string, option: string): void {
  const path = resolve(dir);
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`${option} ${dir} is a file, not a directory`);
    mkdirSync(path, { recursive: true });
    accessSync(path, constants.W_OK);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`${option} ${dir}: cannot write there (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Writes through a temporary file and a rename, so the file is whole or absent. */
export function writeAtomic(file: string, content: string): void {
  const path = resolve(file);
  const tmp = join(dirname(path), `.${process.pid}.tmp-${Math.abs(hashOf(path))}`);
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

function hashOf(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

/** A progress bar on a terminal, plain lines otherwise (CI logs). */
export class Progress {
  private readonly tty = process.stderr.isTTY === true;
  constructor(private readonly total: number, private readonly enabled = true) {}
  tick(done: number, label: string): void {
    if (!this.enabled || !this.tty) return;
    const width = 30;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${this.total} ${label.padEnd(40).slice(0, 40)}`);
  }
  line(text: string): void {
    if (!this.enabled) return;
    if (this.tty) process.stderr.write(`\r${" ".repeat(80)}\r`);
    process.stderr.write(`${text}\n`);
  }
  end(): void {
    if (this.enabled && this.tty) process.stderr.write(`\r${" ".repeat(80)}\r`);
  }
}

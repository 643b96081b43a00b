// Test helper: a SQLite file in a fresh temp directory that can be closed and reopened, so tests
// show what survives a restart; `cleanup` removes the directory.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function tempDbFile(prefix: string): { file: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  return { file: join(dir, "store.db"), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

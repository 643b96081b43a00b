// The machine a benchmark ran on, reported with its numbers: results mean little without it.
import os from "node:os";
import Database from "better-sqlite3";

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly platform: string;
  readonly node: string;
  readonly sqlite: string;
  /** Server version, or why PostgreSQL was not used. */
  readonly postgres: string;
  /** Server version, or why Redis was not used. */
  readonly redis: string;
}

export function machineInfo(postgres: string, redis = "not used"): MachineInfo {
  const cpus = os.cpus();
  const db = new Database(":memory:");
  const sqlite = (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  db.close();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    sqlite,
    postgres,
    redis,
  };
}

// The run's history in Jepsen's form: every operation is `invoke`, then `ok`, `fail` or `info`
// (outcome unknown, e.g. a timeout). Faults, scheduler decisions and phases are entries too.
// Serialized as JSON lines; the trace hash is over those exact bytes.
import { createHash } from "node:crypto";

export type EntryType = "invoke" | "ok" | "fail" | "info" | "fault" | "sched" | "phase" | "note";

export interface HistoryEntry {
  /** Position in the history, from 0. */
  readonly index: number;
  /** Virtual time, ms. */
  readonly time: number;
  readonly type: EntryType;
  /** Which simulated process acted: `buyer:3`, `checkout:c-3-1`, `job:expiry`, `nemesis`... */
  readonly process: string;
  /** The operation: `inventory.reserve`, `fault:store.response-lost`, `crash`... */
  readonly f: string;
  /** Operation id linking invoke to its completion. */
  readonly op?: number;
  /** A short, deterministic description of arguments or result. */
  readonly value?: unknown;
}

export class History {
  readonly entries: HistoryEntry[] = [];
  private nextOp = 1;
  /** When false, only faults, phases and notes are kept (for fast benchmark runs); the hash still covers them. */
  constructor(readonly recordOperations = true) {}


  add(time: number, type: EntryType, process: string, f: string, value?: unknown, op?: number): HistoryEntry | undefined {
    if (!this.recordOperations && (type === "invoke" || type === "ok" || type === "fail" || type === "info" || type === "sched")) return undefined;
    const entry: HistoryEntry = { index: this.entries.length, time, type, process, f, ...(op !== undefined ? { op } : {}), ...(value !== undefined ? { value } : {}) };
    this.entries.push(entry);
    return entry;
  }

  newOp(): number {
    return this.nextOp++;
  }

  /** JSON lines, one entry per line, keys in a fixed order. */
  toJsonLines(): string {
    let out = "";
    for (const e of this.entries) out += JSON.stringify(e) + "\n";
    return out;
  }

  /** sha256 of the JSON-lines trace, hex, first 16 characters. */
  hash(): string {
    const h = createHash("sha256");
    for (const e of this.entries) h.update(JSON.stringify(e) + "\n");
    return h.digest("hex").slice(0, 16);
  }
}

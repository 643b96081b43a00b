// Checkout command records on SQLite: the coordinator's durable memory. The record is written before
// the first step, so after a crash recovery finds every running checkout with its last snapshot.
import type { Clock } from "../../core/clock.ts";
import { NotFound } from "../../core/errors.ts";
import type { BuyerId, CheckoutId } from "../../core/ids.ts";
import type { CheckoutCommand, CheckoutCommandStore, CommandStatus, SubmitResult } from "../../core/ports/checkoutCommands.ts";
import { requireKey } from "../../core/validate.ts";
import { saveInput, submitInput } from "../shared/commandInput.ts";
import { immediate, type SqliteDb } from "./db.ts";
import type Database from "better-sqlite3";
import { checkoutCommandOf, type CommandRow } from "../shared/rows.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS commands_records (
  seq INTEGER PRIMARY KEY,
  checkout_id TEXT NOT NULL UNIQUE,
  buyer_id TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  request TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'confirmed', 'rejected', 'compensated')),
  snapshot TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS commands_records_running ON commands_records (seq) WHERE status = 'running';
`;

const COLUMNS = "checkout_id, buyer_id, request_hash, request, status, snapshot, created_at, updated_at";



export class SqliteCheckoutCommands implements CheckoutCommandStore {
  private readonly clock: Clock;
  private readonly q: {
    get: Database.Statement<[string], CommandRow>;
    insert: Database.Statement<[string, string, string, string, number, number]>;
    update: Database.Statement<[string, string | null, number, string]>;
    unfinished: Database.Statement<[], CommandRow>;
    all: Database.Statement<[], CommandRow>;
  };

  constructor(private readonly db: SqliteDb, options: { clock: Clock }) {
    this.clock = options.clock;
    db.exec(SCHEMA);
    this.q = {
      get: db.prepare(`SELECT ${COLUMNS} FROM commands_records WHERE checkout_id = ?`),
      insert: db.prepare(`INSERT INTO commands_records (${COLUMNS}) VALUES (?, ?, ?, ?, 'running', NULL, ?, ?)`),
      update: db.prepare("UPDATE commands_records SET status = ?, snapshot = ?, updated_at = ? WHERE checkout_id = ?"),
      unfinished: db.prepare(`SELECT ${COLUMNS} FROM commands_records WHERE status = 'running' ORDER BY seq`),
      all: db.prepare(`SELECT ${COLUMNS} FROM commands_records ORDER BY seq`),
    };
  }

  async submit(input: { checkoutId: CheckoutId; buyerId: BuyerId; requestHash: string; request: string }): Promise<SubmitResult> {
    const s = submitInput(input);
    return immediate(this.db, (): SubmitResult => {
      const existing = this.q.get.get(s.checkoutId);
      if (existing) return { status: existing.request_hash === s.requestHash ? "existing" : "conflict", command: checkoutCommandOf(existing) };
      const now = this.clock.now();
      this.q.insert.run(s.checkoutId, s.buyerId, s.requestHash, s.request, now, now);
      return { status: "created", command: checkoutCommandOf(this.q.get.get(s.checkoutId)!) };
    });
  }

  async save(checkoutId: CheckoutId, update: { status: CommandStatus; snapshot: string | null }): Promise<CheckoutCommand> {
    const id = requireKey(checkoutId, "checkoutId");
    const u = saveInput(update);
    return immediate(this.db, () => {
      if (this.q.update.run(u.status, u.snapshot, this.clock.now(), id).changes === 0)
        throw new NotFound({ entity: "checkout", id, message: `no checkout command ${id}` });
      return checkoutCommandOf(this.q.get.get(id)!);
    });
  }

  async get(checkoutId: CheckoutId): Promise<CheckoutCommand | undefined> {
    const r = this.q.get.get(checkoutId);
    return r && checkoutCommandOf(r);
  }

  async unfinished(): Promise<CheckoutCommand[]> {
    return this.q.unfinished.all().map(checkoutCommandOf);
  }

  async all(): Promise<CheckoutCommand[]> {
    return this.q.all.all().map(checkoutCommandOf);
  }
}

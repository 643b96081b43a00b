// Counts the statements that reach a durable engine, by wrapping the driver handle the stores were
// given (a better-sqlite3 Database, a pg Pool): the harness measures what the system spends, the
// system's code is unchanged. Each statement is classified by its first keyword (a write is INSERT,
// UPDATE, DELETE or REPLACE, with the table it writes), and attributed to a tag when one is set for
// the async call that issued it (`tagged`), so cart writes can be told per buyer.
import { AsyncLocalStorage } from "node:async_hooks";
import type pg from "pg";
import type { SqliteDb } from "../../adapters/sqlite/db.ts";

export interface StatementCounts {
  /** Reads and writes together (transaction control and schema statements are `other`). */
  readonly statements: number;
  readonly reads: number;
  readonly writes: number;
  readonly other: number;
  /** Writes per table (unquoted, without schema). */
  readonly writesByTable: Readonly<Record<string, number>>;
  /** Writes per tag (see `tagged`); untagged writes are not listed. */
  readonly writesByTag: Readonly<Record<string, number>>;
}

export type StatementKind = "read" | "write" | "other";

const WRITE = /^(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+((?:"[^"]+"|\w+)(?:\s*\.\s*(?:"[^"]+"|\w+))?)/i;

/** What a statement does, from its text: the first keyword, and for a write its table. */
export function classify(sql: string): { readonly kind: StatementKind; readonly table?: string } {
  const text = sql.replace(/^(?:\s+|--[^\n]*\n|\/\*[\s\S]*?\*\/)*/, "");
  const write = WRITE.exec(text);
  if (write) return { kind: "write", table: write[1]!.split(".").pop()!.replaceAll('"', "").trim() };
  if (/^(?:SELECT|WITH|VALUES)\b/i.test(text)) return { kind: /^WITH\b/i.test(text) && /\b(?:INSERT|UPDATE|DELETE)\b/i.test(text) ? "write" : "read" };
  return { kind: "other" };
}

export class StatementCounter {
  private readonly tags = new AsyncLocalStorage<string>();
  private reads = 0;
  private writes = 0;
  private other = 0;
  private readonly byTable = new Map<string, number>();
  private readonly byTag = new Map<string, number>();

  /** Records one statement, attributed to the tag of the async call that issued it, if any. */
  count(sql: unknown): void {
    const text = typeof sql === "string" ? sql : typeof (sql as { text?: unknown } | null)?.text === "string" ? (sql as { text: string }).text : "";
    const { kind, table } = classify(text);
    if (kind === "read") this.reads++;
    else if (kind === "other") this.other++;
    else {
      this.writes++;
      if (table !== undefined) this.byTable.set(table, (this.byTable.get(table) ?? 0) + 1);
      const tag = this.tags.getStore();
      if (tag !== undefined) this.byTag.set(tag, (this.byTag.get(tag) ?? 0) + 1);
    }
  }

  /** Runs `fn` with `tag` set for every statement it issues, however many awaits later. */
  tagged<T>(tag: string, fn: () => T): T {
    return this.tags.run(tag, fn);
  }

  snapshot(): StatementCounts {
    return {
      statements: this.reads + this.writes,
      reads: this.reads,
      writes: this.writes,
      other: this.other,
      writesByTable: Object.fromEntries([...this.byTable].sort()),
      writesByTag: Object.fromEntries([...this.byTag].sort()),
    };
  }

  /**
   * The same database, counting: every statement prepared through it counts each time it runs, and
   * every `exec` counts once. Prepare stores on the returned handle, not the original.
   */
  sqlite(db: SqliteDb): SqliteDb {
    const counter = this;
    const countStatement = <S extends object>(statement: S, sql: string): S =>
      new Proxy(statement, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target) as unknown;
          if (typeof value !== "function") return value;
          return (...args: unknown[]) => {
            if (prop === "run" || prop === "get" || prop === "all" || prop === "iterate") counter.count(sql);
            const result = (value as (...a: unknown[]) => unknown).apply(target, args);
            return result === target ? countStatement(target, sql) : result; // pluck(), raw(), ... chain
          };
        },
      });
    return new Proxy(db, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (prop === "prepare") return (sql: string) => countStatement(target.prepare(sql), sql);
        if (prop === "exec")
          return (sql: string) => {
            counter.count(sql);
            return target.exec(sql);
          };
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Counts every query of every connection the pool opens from now on (pool.query goes through them too). */
  pool(pool: pg.Pool): pg.Pool {
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        this.count(args[0]);
        return query(...args);
      };
    });
    return pool;
  }
}

/** Counts `after` minus `before`: what one phase of a run spent. */
export function countsBetween(before: StatementCounts, after: StatementCounts): StatementCounts {
  const diff = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) =>
    Object.fromEntries(Object.entries(a).flatMap(([k, v]) => (v - (b[k] ?? 0) > 0 ? [[k, v - (b[k] ?? 0)]] : [])));
  return {
    statements: after.statements - before.statements,
    reads: after.reads - before.reads,
    writes: after.writes - before.writes,
    other: after.other - before.other,
    writesByTable: diff(after.writesByTable, before.writesByTable),
    writesByTag: diff(after.writesByTag, before.writesByTag),
  };
}

// Test support for the PostgreSQL engine: probe the server once per test file, and give every
// suite a fresh schema that is dropped afterwards, so runs never see each other's rows.
import pg from "pg";
import { pgConfig, probePostgres, type ProbeResult } from "./connection.ts";

/** Probes the configured server once; the caller skips its suites with `skipReason` when it is down. */
export async function postgresForTests(): Promise<{ readonly available: boolean; readonly skipReason: string; readonly probe: ProbeResult }> {
  const probe = await probePostgres(pgConfig());
  if (!probe.ok && process.env["CHECKOUT_SIM_REQUIRE_ENGINES"] === "1") throw new Error(`postgres tests must run here (CHECKOUT_SIM_REQUIRE_ENGINES=1): ${probe.reason}`);
  if (!probe.ok) process.stderr.write(`postgres tests skipped: ${probe.reason}\n`);
  return { available: probe.ok, skipReason: probe.ok ? "" : probe.reason, probe };
}

let counter = 0;

/** A unique schema name for one suite or test (pid + counter: parallel test files never collide). */
export function freshSchemaName(prefix: string): string {
  counter += 1;
  return `${prefix}_${process.pid}_${counter}`.toLowerCase();
}

/** Drops a schema made by freshSchemaName, with everything in it. */
export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`refusing to drop schema ${schema}`);
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/**
 * A suite's shared pool and the schemas it made, dropped when the suite ends: call it inside
 * `describe`, then `fresh(prefix)` gives each store (or test) its own schema on the shared pool.
 */
export function schemaPerStore(hooks: { beforeAll: (fn: () => void) => void; afterAll: (fn: () => Promise<void>) => void }): { pool: () => pg.Pool; fresh: (prefix: string) => string } {
  let shared: pg.Pool | undefined;
  const schemas: string[] = [];
  hooks.beforeAll(() => {
    shared = new pg.Pool(pgConfig(undefined, 12));
  });
  hooks.afterAll(async () => {
    for (const s of schemas) await dropSchema(shared!, s);
    await shared?.end();
  });
  return {
    pool: () => shared!,
    fresh: (prefix) => {
      const schema = freshSchemaName(prefix);
      schemas.push(schema);
      return schema;
    },
  };
}

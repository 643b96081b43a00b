// Where the PostgreSQL engine connects, decided in one place: an explicit URL, else the standard PG*
// variables, else this machine's local server. Also a one-shot probe so tests and the benchmark can
// skip with one clear line instead of failing when no server is reachable.
import pg from "pg";

/** The server every PostgreSQL test and benchmark uses when nothing else is configured. */
export const DEFAULT_PG_URL = "postgresql://127.0.0.1:5432/test";

/**
 * Pool settings for `url`, or for the standard variables (PGHOST, PGPORT, PGDATABASE, PGUSER,
 * PGPASSWORD; `DATABASE_URL` also counts), falling back to 127.0.0.1:5432/test as PGUSER or `postgres`.
 */
export function pgConfig(url?: string, max = 10): pg.PoolConfig {
  const explicit = url ?? process.env["DATABASE_URL"];
  if (explicit !== undefined && explicit !== "") return { connectionString: explicit, max };
  const env = process.env;
  return {
    host: env["PGHOST"] ?? "127.0.0.1",
    port: Number(env["PGPORT"] ?? 5432),
    database: env["PGDATABASE"] ?? "test",
    user: env["PGUSER"] ?? "postgres",
    ...(env["PGPASSWORD"] !== undefined ? { password: env["PGPASSWORD"] } : {}),
    max,
  };
}

/** A human-readable target for messages, without any password. */
export function describeTarget(config: pg.PoolConfig): string {
  if (config.connectionString !== undefined) return config.connectionString.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
  return `postgresql://${config.user ?? ""}@${String(config.host)}:${String(config.port)}/${config.database ?? ""}`;
}

export type ProbeResult = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/** Connects once (2 s timeout) and reads the server version; never throws. */
export async function probePostgres(config: pg.PoolConfig): Promise<ProbeResult> {
  const client = new pg.Client({ ...config, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    const r = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { ok: true, version: r.rows[0]?.v ?? "unknown" };
  } catch (err) {
    const message = err instanceof Error ? err.message || err.name : String(err);
    return { ok: false, reason: `PostgreSQL not reachable at ${describeTarget(config)} (${message})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Schema names are spliced into SQL (identifiers cannot be parameters), so only plain names pass. */
export function requireSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`PostgreSQL schema name must match [a-z_][a-z0-9_]*, got ${JSON.stringify(schema)}`);
  return schema;
}

/** Runs `fn` inside BEGIN/COMMIT on one pooled client, rolling back on any error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

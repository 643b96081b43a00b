// Carts on SQLite: one row per buyer holding the lines as a compact JSON document (a cart is read and
// written whole, like a key-value record). Expired and cleared carts stay as rows that keep the
// version sequence, so a stale compare-and-set can never succeed against a fresh cart.
import type { Clock } from "../../core/clock.ts";
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, Sku } from "../../core/ids.ts";
import type { Cart, CartLine, CartStore } from "../../core/ports/cart.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { clearedCart, fromLineTuple, isLive, mergeLines, nextCart, requireCartLine, requireTtlMs, toLineTuple, visibleVersion, withQuantity, type CartLineTuple } from "../shared/cartRules.ts";
import { immediate, type SqliteDb } from "./db.ts";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cart_carts (
  buyer_id TEXT PRIMARY KEY CHECK (length(buyer_id) BETWEEN 1 AND 255),
  version INTEGER NOT NULL CHECK (version >= 1),
  updated_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL CHECK (expires_at >= updated_at),
  lines TEXT NOT NULL CHECK (json_valid(lines) AND json_type(lines) = 'array')
) STRICT, WITHOUT ROWID;
`;

interface CartRow {
  buyer_id: string;
  version: number;
  updated_at: number;
  expires_at: number;
  lines: string;
}

const encode = (lines: readonly CartLine[]): string => JSON.stringify(lines.map(toLineTuple));

const toCart = (r: CartRow): Cart =>
  Object.freeze({
    buyerId: r.buyer_id as BuyerId,
    version: r.version,
    updatedAt: r.updated_at,
    expiresAt: r.expires_at,
    lines: Object.freeze((JSON.parse(r.lines) as CartLineTuple[]).map(fromLineTuple)),
  });

export interface SqliteCartOptions {
  readonly clock: Clock;
  /** How long a cart lives after its last write; default 30 minutes. */
  readonly ttlMs?: number;
}

const EMPTY: readonly CartLine[] = Object.freeze([]);

export class SqliteCart implements CartStore {
  private readonly db: SqliteDb;
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly select;
  private readonly upsert;

  constructor(db: SqliteDb, options: SqliteCartOptions) {
    this.db = db;
    this.clock = options.clock;
    this.ttlMs = requireTtlMs(options.ttlMs);
    db.exec(SCHEMA);
    this.select = db.prepare<[string], CartRow>("SELECT buyer_id, version, updated_at, expires_at, lines FROM cart_carts WHERE buyer_id = ?");
    // The WHERE keeps versions gapless and increasing even if a second connection raced this one.
    this.upsert = db.prepare<[string, number, number, number, string]>(
      `INSERT INTO cart_carts (buyer_id, version, updated_at, expires_at, lines) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (buyer_id) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at,
         expires_at = excluded.expires_at, lines = excluded.lines
       WHERE cart_carts.version = excluded.version - 1`,
    );
  }

  async get(buyerId: BuyerId): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    const row = this.select.get(buyerId);
    return row !== undefined && this.clock.now() < row.expires_at ? toCart(row) : undefined;
  }

  async addLine(buyerId: BuyerId, line: CartLine): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    const checked = requireCartLine(line);
    return immediate(this.db, () => {
      const now = this.clock.now();
      const stored = this.load(buyerId);
      return this.write(buyerId, stored, mergeLines(isLive(stored, now) ? stored.lines : EMPTY, [checked]), now);
    });
  }

  async setQuantity(buyerId: BuyerId, sku: Sku, quantity: number): Promise<Cart> {
    requireKey(buyerId, "buyerId");
    return immediate(this.db, () => {
      const now = this.clock.now();
      const stored = this.load(buyerId);
      return this.write(buyerId, stored, withQuantity(isLive(stored, now) ? stored.lines : EMPTY, sku, quantity), now);
    });
  }

  async put(buyerId: BuyerId, lines: readonly CartLine[], expectedVersion?: number): Promise<Cart | undefined> {
    requireKey(buyerId, "buyerId");
    if (!Array.isArray(lines)) throw new InvalidInput({ field: "lines", message: "lines must be an array" });
    if (expectedVersion !== undefined) requireNonNegativeInt(expectedVersion, "expectedVersion");
    const merged = mergeLines(EMPTY, lines.map((l, i) => requireCartLine(l, `lines[${i}]`)));
    return immediate(this.db, () => {
      const now = this.clock.now();
      const stored = this.load(buyerId);
      if (expectedVersion !== undefined && visibleVersion(stored, now) !== expectedVersion) return undefined;
      return this.write(buyerId, stored, merged, now);
    });
  }

  async clear(buyerId: BuyerId): Promise<void> {
    requireKey(buyerId, "buyerId");
    immediate(this.db, () => {
      const stored = this.load(buyerId);
      if (stored !== undefined) this.store(clearedCart(stored, this.clock.now()));
    });
  }

  private load(buyerId: BuyerId): Cart | undefined {
    const row = this.select.get(buyerId);
    return row === undefined ? undefined : toCart(row);
  }

  private write(buyerId: BuyerId, stored: Cart | undefined, lines: readonly CartLine[], now: number): Cart {
    return this.store(nextCart(buyerId, stored, lines, now, this.ttlMs));
  }

  private store(cart: Cart): Cart {
    const info = this.upsert.run(cart.buyerId, cart.version, cart.updatedAt, cart.expiresAt, encode(cart.lines));
    if (info.changes !== 1) throw new Error(`cart ${cart.buyerId}: version ${cart.version} lost a race; the write was not applied`);
    return cart;
  }
}

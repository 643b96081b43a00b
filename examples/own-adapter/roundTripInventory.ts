// The legacy adapter as it would run over a real database, where every statement is a round trip:
// `sim.roundTrip` marks each one, so the simulator may run other buyers between them (outside the
// simulator, `directContext` makes it a plain call). Two versions of `reserve`:
// - ReadThenWriteInventory reads the stock row, decides in the application, then writes
//   `held = <the held it read> + qty` in a second round trip: two buyers who read the same row both
//   write, the second overwrites the first (a lost update), and stock is sold twice.
// - ConditionalInventory does the check and the write in one conditional UPDATE
//   (`UPDATE ... SET held = held + qty WHERE quantity - held >= qty`): nothing to interleave.
import type { ReserveRequest, ReserveResult, SimContext } from "../../index.ts";
import { checkReserve, OurInventory, rowId, type OurInventoryOptions } from "./ourInventory.ts";

export interface RoundTripOptions extends OurInventoryOptions {
  readonly sim: SimContext;
}

/** The legacy adapter with a handle on the engine's round trips. */
abstract class RoundTripInventory extends OurInventory {
  protected readonly sim: SimContext;
  constructor(options: RoundTripOptions) {
    super(options);
    this.sim = options.sim;
  }
}

export class ReadThenWriteInventory extends RoundTripInventory {
  override async reserve(request: ReserveRequest): Promise<ReserveResult> {
    const { key, checkoutId, lines, expiresAt } = checkReserve(request);
    const existing = await this.sim.roundTrip("select hold", () => this.get(key));
    if (existing !== undefined) return { ok: true, reservation: existing, created: false };
    // SELECT quantity, held FROM stock WHERE sku = ? AND location = ?  (one statement per line)
    const seen = await this.sim.roundTrip("select stock", () =>
      lines.map((line) => {
        const row = this.rows.get(rowId(line.sku, line.location));
        return { line, held: row?.held ?? 0, free: row === undefined ? 0 : row.quantity - row.held };
      }),
    );
    const short = seen.find((s) => s.free < s.line.quantity);
    if (short !== undefined) return { ok: false, reason: "insufficient", sku: short.line.sku, location: short.line.location, requested: short.line.quantity, available: short.free };
    // UPDATE stock SET held = <held as read> + qty ...; INSERT INTO holds ...
    return this.sim.roundTrip("update stock", () => {
      for (const s of seen) this.rowOf(s.line).held = s.held + s.line.quantity;
      return { ok: true, reservation: this.recordHold(key, checkoutId, lines, expiresAt), created: true } as const;
    });
  }
}

export class ConditionalInventory extends RoundTripInventory {
  /** The whole check-and-hold is one statement (one transaction) on the engine: one round trip. */
  override async reserve(request: ReserveRequest): Promise<ReserveResult> {
    return this.sim.roundTrip("conditional update stock", () => super.reserve(request));
  }
}

// The same legacy adapter with a classic bug, so the example can show the checkers catching one.
// To keep the hot SKU's row out of every checkout's critical path, a sale is not applied at commit:
// it goes to a sales journal that the housekeeping sweep (expireDue) folds into `quantity` later.
// The availability check still reads `quantity - held`, so between a commit and the next sweep the
// units just sold look free again, and a reserve that lands in that window sells them twice.
// Each method is still atomic on its own; the bug only shows across calls (commit, reserve, sweep),
// which is exactly where the simulator interleaves.
import type { Reservation } from "../../index.ts";
import { OurInventory, type StockRow } from "./ourInventory.ts";

export class BrokenInventory extends OurInventory {
  private readonly salesJournal: { row: StockRow; quantity: number }[] = [];

  /** The hold is gone at once; the sale reaches `quantity` only at the next sweep. */
  protected override sell(row: StockRow, quantity: number): void {
    row.held -= quantity;
    this.salesJournal.push({ row, quantity });
  }

  override async expireDue(now: number): Promise<Reservation[]> {
    for (const { row, quantity } of this.salesJournal.splice(0)) {
      row.quantity -= quantity;
      row.sold += quantity;
    }
    return super.expireDue(now);
  }
}

// Runs the shared order ledger contract against the in-memory engine, and shows the model-based
// check can fail: deliberately broken ledgers (non-atomic batches, rewritten history) are caught.
import { describe, expect, it } from "vitest";
import type { AppendResult, OrderEvent, OrderLedger } from "../../core/ports/orderLedger.ts";
import { checkOrderLedgerModel, orderLedgerContract } from "../contract/orderLedger.contract.ts";
import { MemoryOrderLedger } from "./orderLedger.ts";

orderLedgerContract("memory", (clock) => new MemoryOrderLedger({ clock }));

describe("the order ledger model check catches broken ledgers", () => {
  it("one that writes the legal prefix of a refused batch (not atomic)", async () => {
    await expect(
      checkOrderLedgerModel((clock) => {
        const real = new MemoryOrderLedger({ clock });
        const broken: OrderLedger = Object.create(real);
        broken.append = async (orderId, events) => {
          const appended: OrderEvent[] = [];
          let duplicates = 0;
          for (const e of events) {
            const r: AppendResult = await real.append(orderId, [e]);
            appended.push(...r.appended);
            duplicates += r.duplicates;
          }
          return { appended, duplicates };
        };
        return broken;
      }),
    ).rejects.toThrow(/Property failed/);
  });

  it("one whose history loses its first event once an order has three", async () => {
    await expect(
      checkOrderLedgerModel((clock) => {
        const real = new MemoryOrderLedger({ clock });
        const broken: OrderLedger = Object.create(real);
        broken.events = async (orderId) => {
          const list = await real.events(orderId);
          return list.length >= 3 ? list.slice(1) : list;
        };
        return broken;
      }),
    ).rejects.toThrow(/Property failed/);
  });
});

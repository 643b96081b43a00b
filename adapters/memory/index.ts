// The in-process stores: the simulation default. Every store is a plain Map behind its port.
import type { Clock } from "../../core/clock.ts";
import type { Stores } from "../../core/ports/index.ts";
import { MemoryCatalog } from "./catalog.ts";
import { MemoryCart } from "./cart.ts";
import { MemoryInventory } from "./inventory.ts";
import { MemoryOrderLedger } from "./orderLedger.ts";
import { MemoryPaymentLedger } from "./paymentLedger.ts";
import { MemoryEventStream } from "./eventStream.ts";
import { MemoryCheckoutCommands } from "./checkoutCommands.ts";

export { MemoryCatalog, MemoryCart, MemoryInventory, MemoryOrderLedger, MemoryPaymentLedger, MemoryEventStream, MemoryCheckoutCommands };

export function createMemoryStores(clock: Clock): Stores {
  return {
    catalog: new MemoryCatalog(),
    cart: new MemoryCart({ clock }),
    inventory: new MemoryInventory({ clock }),
    orders: new MemoryOrderLedger({ clock }),
    payments: new MemoryPaymentLedger({ clock }),
    events: new MemoryEventStream({ clock }),
    commands: new MemoryCheckoutCommands({ clock }),
  };
}

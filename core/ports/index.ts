// The ports of checkout-sim: five stores, the event stream, checkout command records, the payment
// provider and the payment service. Adapters implement these; the contract suites test them.
export type * from "./catalog.ts";
export type * from "./cart.ts";
export type * from "./inventory.ts";
export { available } from "./inventory.ts";
export type * from "./orderLedger.ts";
export type * from "./paymentLedger.ts";
export type * from "./eventStream.ts";
export type * from "./checkoutCommands.ts";
export type * from "./paymentProvider.ts";
export { ProviderUnreachable } from "./paymentProvider.ts";
export type * from "./paymentService.ts";

import type { CatalogStore } from "./catalog.ts";
import type { CartStore } from "./cart.ts";
import type { InventoryStore } from "./inventory.ts";
import type { OrderLedger } from "./orderLedger.ts";
import type { PaymentLedger } from "./paymentLedger.ts";
import type { EventStream } from "./eventStream.ts";
import type { CheckoutCommandStore } from "./checkoutCommands.ts";

/** The full set of stores one checkout deployment uses. */
export interface Stores {
  readonly catalog: CatalogStore;
  readonly cart: CartStore;
  readonly inventory: InventoryStore;
  readonly orders: OrderLedger;
  readonly payments: PaymentLedger;
  readonly events: EventStream;
  readonly commands: CheckoutCommandStore;
}

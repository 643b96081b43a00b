// Cart to order, while paying: the buyer changes the cart in another tab (one more unit, another
// product) while the checkout runs. The order must hold exactly what was submitted, priced and paid,
// and the charge must equal the order total: a checkout that re-reads the cart mid-way sells one
// thing and charges for another.
import type { Scenario } from "../simulator/scenario.ts";

export const editCartWhilePaying: Scenario = {
  name: "edit-cart-while-paying",
  description: "The buyer edits the cart from another tab during checkout; the order holds what was priced and paid.",
  boundary: "Cart to order",
  invariants: ["answer-matches-ledger", "catalog-price", "sold-orders-keep-their-money", "no-double-charge", "no-oversell", "paid-orders-have-stock", "liveness"],
  exercises: ["cart-edited-during-checkout"],
  workload: { buyers: 20, stockPerSku: 40, paymentActionRate: 0.2 },
  faults: { "buyer.edit-during-checkout": 0.7, "store.latency": 0.2, "provider.latency": 0.2, "admin.price-change": 0.2 },
};

// Catalog to cart: a price changes after add-to-cart. Checkout must reprice against the catalog
// (the order carries checkout-time prices) and ask the buyer to confirm the new price.
import type { Scenario } from "../simulator/scenario.ts";

export const priceChangeAfterAddToCart: Scenario = {
  name: "price-change-after-add-to-cart",
  description: "Prices change between add-to-cart and checkout; orders must carry checkout-time catalog prices.",
  boundary: "Catalog to cart",
  invariants: ["catalog-price", "one-order-per-checkout", "no-oversell", "liveness"],
  exercises: ["price-changed-after-add"],
  workload: { buyers: 24, hotSkus: 2, stockPerSku: 30 },
  faults: { "admin.price-change": 0.9, "store.latency": 0.05 },
};

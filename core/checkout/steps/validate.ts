// Step 1, validate + reprice: the cart is intent, the catalog owns the price and the tax rate, the
// merchant the shipping rule. Read-only, so it has no compensation; a changed price is a result
// ("price-changed"), and the buyer is asked to confirm. Tax and shipping follow core/pricing.ts.
import { money } from "../../money.ts";
import { priceLines } from "../../pricing.ts";
import type { Sku } from "../../ids.ts";
import type { OrderLine } from "../../ports/orderLedger.ts";
import type { TransitionContract } from "../contract.ts";
import { ok, result } from "../context.ts";
import type { Step } from "./common.ts";

export const validateContract: TransitionContract = {
  owner: "catalog",
  idempotencyKey: "${checkoutId} (client-supplied; read-only step)",
  timeoutMs: 1_000,
  retry: { max: 2, backoff: "immediate re-entry, spaced by the timeout", sameKey: true },
  reconciliation: "none needed: catalog.getProducts(skus) is a read and is simply repeated",
  customerFallback: "show the repriced cart and ask the buyer to confirm the new price",
};

export const validate: Step = async (deps, c) => {
  const request = c.request;
  if (request.lines.length === 0) return result("rejected", "empty-cart");
  const skus: Sku[] = request.lines.map((l) => l.sku);
  const products = await deps.stores.catalog.getProducts(skus);
  const bySku = new Map(products.map((p) => [p.sku as string, p]));
  const repriced: (Omit<OrderLine, "tax" | "taxRateBps"> & { readonly taxRateBps: number | undefined })[] = [];
  for (const line of request.lines) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) return result("rejected", "invalid-quantity");
    const product = bySku.get(line.sku);
    if (product === undefined) return result("rejected", "unknown-sku");
    if (product.price.currency !== request.currency) return result("rejected", "currency-mismatch");
    let unitPrice = line.priceSnapshot;
    let priceVersion = line.priceVersion;
    // Without repricing, the cart's snapshots stand: its price, and its tax rate from add-to-cart.
    let taxRateBps = line.taxRateBps;
    if (deps.mitigations.reprice) {
      if (product.price.amount !== line.priceSnapshot.amount || product.price.currency !== line.priceSnapshot.currency) return result("rejected", "price-changed");
      unitPrice = product.price;
      priceVersion = product.priceVersion;
      taxRateBps = product.taxRateBps;
    }
    repriced.push({ sku: line.sku, quantity: line.quantity, unitPrice, priceVersion, taxRateBps });
  }
  const amounts = priceLines(repriced.map((l) => ({ unitPrice: l.unitPrice.amount, quantity: l.quantity, taxRateBps: l.taxRateBps })), deps.shipping);
  const lines: OrderLine[] = repriced.map(({ taxRateBps, ...l }, i) => (taxRateBps === undefined ? l : { ...l, taxRateBps, tax: money(amounts.lineTaxes[i]!, request.currency, "tax") }));
  const shipping = deps.shipping === undefined ? null : money(amounts.shipping, request.currency, "shipping");
  return ok({ lines, shipping, total: money(amounts.total, request.currency, "total") });
};

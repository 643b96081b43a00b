// The world before the run: a catalog with prices and the stock received for each SKU. Done straight
// on the stores, before any process starts: not scheduled, not faulted.
import { Sku } from "../core/ids.ts";
import { money } from "../core/money.ts";
import type { Stores } from "../core/ports/index.ts";
import type { PriceChange, PricingFacts, TaxRateChange } from "../core/invariants/world.ts";
import { shippingRuleOf } from "./scenario.ts";
import type { MonolithDb } from "../adapters/monolith/monolithDb.ts";
import { WORDS } from "./buyers.ts";
import { CURRENCY, LOCATION, type RunContext } from "./runContext.ts";

export interface SeededWorld {
  readonly skus: readonly Sku[];
  /** Every price each SKU had, from its first version on (the run appends admin changes). */
  readonly priceChanges: PriceChange[];
  /** Tax categories, their rates and the shipping rule, as catalog-price judges them. */
  readonly pricing: PricingFacts;
}

export async function seedWorld(ctx: RunContext, stores: Stores, monolith?: MonolithDb): Promise<SeededWorld> {
  const w = ctx.workload;
  const skus = Array.from({ length: w.skus }, (_, i) => Sku(`sku-${i + 1}`));
  const priceChanges: PriceChange[] = [];
  // Tax categories and their rates first (a catalog without `setTaxRate` taxes nothing: no rates recorded).
  const categoryNames = Object.keys(w.taxRatesBps);
  const taxRates: TaxRateChange[] = [];
  if (stores.catalog.setTaxRate !== undefined)
    for (const [category, rateBps] of Object.entries(w.taxRatesBps)) {
      await stores.catalog.setTaxRate(category, rateBps);
      taxRates.push({ category, rateBps, at: 0 });
    }
  const categories: Record<string, string> = {};
  for (const [i, sku] of skus.entries()) {
    const price = money(1000 + 250 * i, CURRENCY);
    const category = categoryNames.length === 0 ? undefined : categoryNames[i % categoryNames.length]!;
    if (category !== undefined) categories[sku] = category;
    const product = await stores.catalog.upsertProduct({ sku, title: `Product ${i + 1} ${WORDS[i % WORDS.length]}`, description: `A ${WORDS[(i + 3) % WORDS.length]} thing`, price, ...(category === undefined ? {} : { category }) });
    priceChanges.push({ sku, version: product.priceVersion, price, at: 0 });
    await stores.inventory.recordMovement({ id: `receipt-${sku}`, sku, location: LOCATION, kind: "receipt", delta: w.stockPerSku });
    await monolith?.stock(sku, w.stockPerSku);
  }
  return { skus, priceChanges, pricing: { categories, taxRates, shipping: shippingRuleOf(w) } };
}

// The world before the run: a catalog with prices and the stock received for each SKU. Done straight
// on the stores, before any process starts: not scheduled, not faulted.
import { Sku } from "../core/ids.ts";
import { money } from "../core/money.ts";
import type { Stores } from "../core/ports/index.ts";
import type { PriceChange } from "../core/invariants/world.ts";
import type { MonolithDb } from "../adapters/monolith/monolithDb.ts";
import { WORDS } from "./buyers.ts";
import { CURRENCY, LOCATION, type RunContext } from "./runContext.ts";

export interface SeededWorld {
  readonly skus: readonly Sku[];
  /** Every price each SKU had, from its first version on (the run appends admin changes). */
  readonly priceChanges: PriceChange[];
}

export async function seedWorld(ctx: RunContext, stores: Stores, monolith?: MonolithDb): Promise<SeededWorld> {
  const w = ctx.workload;
  const skus = Array.from({ length: w.skus }, (_, i) => Sku(`sku-${i + 1}`));
  const priceChanges: PriceChange[] = [];
  for (const [i, sku] of skus.entries()) {
    const price = money(1000 + 250 * i, CURRENCY);
    const product = await stores.catalog.upsertProduct({ sku, title: `Product ${i + 1} ${WORDS[i % WORDS.length]}`, description: `A ${WORDS[(i + 3) % WORDS.length]} thing`, price });
    priceChanges.push({ sku, version: product.priceVersion, price, at: 0 });
    await stores.inventory.recordMovement({ id: `receipt-${sku}`, sku, location: LOCATION, kind: "receipt", delta: w.stockPerSku });
    await monolith?.stock(sku, w.stockPerSku);
  }
  return { skus, priceChanges };
}

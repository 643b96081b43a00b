// Catalog in memory, the simulation default: products in a Map plus a word index, so search is a
// set intersection rather than a scan. Products are frozen; callers can never mutate store state.
import { NotFound } from "../../core/errors.ts";
import type { Sku } from "../../core/ids.ts";
import type { Money } from "../../core/money.ts";
import type { CatalogStore, Product, ProductInput, SearchOptions, TaxRate } from "../../core/ports/catalog.ts";
import { requireKey, requireNonNegativeInt } from "../../core/validate.ts";
import { requirePrice, requireProductInput, requireTaxRateInput, samePrice } from "../shared/productInput.ts";
import { queryTokens, searchLimit, words } from "../shared/searchText.ts";

export class MemoryCatalog implements CatalogStore {
  private readonly products = new Map<string, Product>();
  /** word -> SKUs whose title or description contains it. */
  private readonly index = new Map<string, Set<string>>();
  /** category -> tax rate (bp). Products are stored with their category's rate resolved. */
  private readonly taxRates = new Map<string, number>();

  async upsertProduct(input: ProductInput): Promise<Product> {
    const p = requireProductInput(input);
    const old = this.products.get(p.sku);
    const priceVersion = old === undefined ? 1 : samePrice(old.price, p.price) ? old.priceVersion : old.priceVersion + 1;
    const product = this.withTaxRate({ ...p, priceVersion, availabilityHint: old?.availabilityHint ?? null });
    if (old === undefined || old.title !== p.title || old.description !== p.description) {
      if (old !== undefined) this.unindex(old);
      for (const w of textWords(product)) {
        let skus = this.index.get(w);
        if (skus === undefined) this.index.set(w, (skus = new Set()));
        skus.add(p.sku);
      }
    }
    this.products.set(p.sku, product);
    return product;
  }

  async setPrice(sku: Sku, price: Money): Promise<Product> {
    requireKey(sku, "sku");
    const checked = requirePrice(price);
    const old = this.products.get(sku);
    if (old === undefined) throw new NotFound({ entity: "product", id: sku, message: `no product with SKU ${sku}` });
    if (samePrice(old.price, checked)) return old;
    const product = Object.freeze({ ...old, price: checked, priceVersion: old.priceVersion + 1 });
    this.products.set(sku, product);
    return product;
  }

  async getProduct(sku: Sku): Promise<Product | undefined> {
    return this.products.get(sku);
  }

  async getProducts(skus: readonly Sku[]): Promise<Product[]> {
    const out: Product[] = [];
    for (const sku of skus) {
      const p = this.products.get(sku);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  async search(text: string, options?: SearchOptions): Promise<Product[]> {
    const limit = searchLimit(options?.limit);
    const tokens = queryTokens(text);
    if (tokens.length === 0) return [];
    const sets: Set<string>[] = [];
    for (const t of tokens) {
      const skus = this.index.get(t);
      if (skus === undefined) return [];
      sets.push(skus);
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...rest] = sets as [Set<string>, ...Set<string>[]];
    const hits: string[] = [];
    for (const sku of smallest) if (rest.every((s) => s.has(sku))) hits.push(sku);
    hits.sort();
    return hits.slice(0, limit).map((sku) => this.products.get(sku) as Product);
  }

  async setAvailabilityHint(sku: Sku, available: number): Promise<void> {
    requireKey(sku, "sku");
    requireNonNegativeInt(available, "available");
    const old = this.products.get(sku);
    // A hint for a SKU the catalog does not list is dropped: inventory may know SKUs before the catalog does.
    if (old === undefined || old.availabilityHint === available) return;
    this.products.set(sku, Object.freeze({ ...old, availabilityHint: available }));
  }

  async setTaxRate(category: string, rateBps: number): Promise<TaxRate> {
    const rate = requireTaxRateInput(category, rateBps);
    this.taxRates.set(rate.category, rate.rateBps);
    for (const p of this.products.values()) if (p.category === rate.category) this.products.set(p.sku, this.withTaxRate(p));
    return rate;
  }

  /** The product, frozen, with its category's current tax rate (none when it has no category or rate). */
  private withTaxRate(p: Product): Product {
    const { taxRateBps: _stale, ...rest } = p;
    const rate = p.category === undefined ? undefined : this.taxRates.get(p.category);
    return Object.freeze(rate === undefined ? rest : { ...rest, taxRateBps: rate });
  }

  private unindex(p: Product): void {
    for (const w of textWords(p)) {
      const skus = this.index.get(w);
      if (skus === undefined) continue;
      skus.delete(p.sku);
      if (skus.size === 0) this.index.delete(w);
    }
  }
}

const textWords = (p: ProductInput): Set<string> => new Set([...words(p.title), ...words(p.description)]);

// Catalog: product facts for discovery. Reads are broad and cacheable; prices carry a version so
// checkout can detect a change after add-to-cart. Availability here is a hint, never a promise.
import type { Sku } from "../ids.ts";
import type { Money } from "../money.ts";

export interface ProductInput {
  readonly sku: Sku;
  readonly title: string;
  readonly description: string;
  readonly price: Money;
}

export interface Product extends ProductInput {
  /** Starts at 1, +1 on every price change. */
  readonly priceVersion: number;
  /** Last availability seen on inventory events; a hint for display only. */
  readonly availabilityHint: number | null;
}

export interface SearchOptions {
  /** Maximum results; default 20. */
  readonly limit?: number;
}

export interface CatalogStore {
  /** Inserts or replaces a product; a changed price bumps `priceVersion`. */
  upsertProduct(input: ProductInput): Promise<Product>;
  /** Changes the price, returning the product with its new version. Throws NotFound for an unknown SKU. */
  setPrice(sku: Sku, price: Money): Promise<Product>;
  getProduct(sku: Sku): Promise<Product | undefined>;
  /** Products for the given SKUs, in the order asked, unknown SKUs omitted. */
  getProducts(skus: readonly Sku[]): Promise<Product[]>;
  /** Full-text search over title and description. Any user text is safe: it never throws for syntax. */
  search(text: string, options?: SearchOptions): Promise<Product[]>;
  /** Fed from inventory events; display only. */
  setAvailabilityHint(sku: Sku, available: number): Promise<void>;
}

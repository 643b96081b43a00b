// Product input checks shared by every catalog engine, so a bad product is refused the same way
// everywhere and nothing is written.
import { InvalidInput } from "../../core/errors.ts";
import type { Sku } from "../../core/ids.ts";
import { money, type Money } from "../../core/money.ts";
import type { ProductInput, TaxRate } from "../../core/ports/catalog.ts";
import { requireTaxRate } from "../../core/pricing.ts";
import { requireKey } from "../../core/validate.ts";

export const TITLE_LENGTH_MAX = 500;
export const DESCRIPTION_LENGTH_MAX = 20_000;

/** A validated, frozen price (integer minor units, known currency). */
export function requirePrice(price: Money, field = "price"): Money {
  if (typeof price !== "object" || price === null) throw new InvalidInput({ field, message: `${field} must be a Money object` });
  return Object.freeze(money(price.amount, price.currency, `${field}.amount`));
}

/** A validated copy of the input; throws InvalidInput naming the first bad field. */
export function requireProductInput(input: ProductInput): ProductInput {
  if (typeof input !== "object" || input === null) throw new InvalidInput({ field: "product", message: "product must be an object" });
  const sku = requireKey(input.sku, "sku") as Sku;
  const { title, description } = input;
  if (typeof title !== "string" || title.length === 0 || title.length > TITLE_LENGTH_MAX)
    throw new InvalidInput({ field: "title", message: `title must be a string of 1..${TITLE_LENGTH_MAX} characters` });
  if (typeof description !== "string" || description.length > DESCRIPTION_LENGTH_MAX)
    throw new InvalidInput({ field: "description", message: `description must be a string of at most ${DESCRIPTION_LENGTH_MAX} characters` });
  const category = input.category === undefined ? undefined : requireKey(input.category, "category");
  return { sku, title, description, price: requirePrice(input.price), ...(category === undefined ? {} : { category }) };
}

/** A validated tax rate for a category (shared by every catalog engine). */
export function requireTaxRateInput(category: string, rateBps: number): TaxRate {
  return Object.freeze({ category: requireKey(category, "category"), rateBps: requireTaxRate(rateBps, "rateBps") });
}

export const samePrice = (a: Money, b: Money): boolean => a.amount === b.amount && a.currency === b.currency;

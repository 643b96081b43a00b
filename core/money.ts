// Money is an integer count of minor units (cents) with a currency. Floats never represent money.
import { InvalidInput } from "./errors.ts";

export const CURRENCIES = ["USD", "EUR", "GBP", "JPY", "CHF", "SEK"] as const;
export type Currency = (typeof CURRENCIES)[number];

export interface Money {
  readonly amount: number; // integer minor units
  readonly currency: Currency;
}

export const isCurrency = (c: unknown): c is Currency => typeof c === "string" && (CURRENCIES as readonly string[]).includes(c);

/** Builds Money, refusing non-integer, unsafe or negative amounts and unknown currencies. */
export function money(amount: number, currency: Currency | string, field = "amount"): Money {
  if (!Number.isSafeInteger(amount)) throw new InvalidInput({ field, message: `${field} must be an integer number of minor units, got ${amount}` });
  if (amount < 0) throw new InvalidInput({ field, message: `${field} must not be negative, got ${amount}` });
  if (!isCurrency(currency)) throw new InvalidInput({ field: "currency", message: `unknown currency ${JSON.stringify(currency)}` });
  return { amount, currency };
}

export const zero = (currency: Currency): Money => ({ amount: 0, currency });

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new InvalidInput({ field: "currency", message: `cannot add ${a.currency} to ${b.currency}` });
  return money(a.amount + b.amount, a.currency);
}

export function times(a: Money, quantity: number): Money {
  return money(a.amount * quantity, a.currency);
}

/** Sum of line amounts; all lines must share one currency. */
export function sum(items: readonly Money[], currency: Currency): Money {
  return items.reduce(add, zero(currency));
}

export const format = (m: Money): string => `${(m.amount / 100).toFixed(2)} ${m.currency}`;

// Goal: the money rules are exact and stated once: tax per line in basis points, rounded half up to a
// whole minor unit; shipping flat per order, free from a subtotal; total = lines + tax + shipping.
import { describe, expect, it } from "vitest";
import { lineTax, priceCart, priceLines, requireShippingRule, requireTaxRate, shippingFor } from "./pricing.ts";

describe("pricing", () => {
  it("taxes a line at its rate in basis points, rounding half up to a whole minor unit", () => {
    expect(lineTax(1000, 2000)).toBe(200); // 20 % of 10.00
    expect(lineTax(2, 2500)).toBe(1); // 0.5 -> 1 (half up)
    expect(lineTax(1, 5000)).toBe(1); // 0.5 -> 1
    expect(lineTax(1, 4999)).toBe(0); // 0.4999 -> 0
    expect(lineTax(333, 700)).toBe(23); // 23.31 -> 23
    expect(lineTax(350, 700)).toBe(25); // 24.5 -> 25
    expect(lineTax(1000, 0)).toBe(0);
    expect(lineTax(1000, undefined)).toBe(0); // no rate: untaxed
  });

  it("taxes per line, not per order: two lines round separately", () => {
    const priced = priceLines([{ unitPrice: 5, quantity: 1, taxRateBps: 1000 }, { unitPrice: 5, quantity: 1, taxRateBps: 1000 }], undefined);
    expect(priced.lineTaxes).toEqual([1, 1]); // 0.5 + 0.5, each rounded up; the order-level sum would be 1
    expect(priced.total).toBe(12);
  });

  it("charges flat shipping per order, free from the threshold on the lines' subtotal (before tax)", () => {
    const rule = { flat: 495, freeFrom: 5000 };
    expect(shippingFor(4999, rule)).toBe(495);
    expect(shippingFor(5000, rule)).toBe(0);
    expect(shippingFor(100, { flat: 495 })).toBe(495); // never free without a threshold
    expect(shippingFor(100, undefined)).toBe(0); // no rule: no shipping
    expect(priceLines([{ unitPrice: 2400, quantity: 2, taxRateBps: 2000 }], rule)).toEqual({ subtotal: 4800, lineTaxes: [960], tax: 960, shipping: 495, total: 6255 });
  });

  it("refuses a shipping rule that is not whole, non-negative minor units, naming the field", () => {
    expect(requireShippingRule({ flat: 495, freeFrom: 5000 })).toEqual({ flat: 495, freeFrom: 5000 });
    expect(() => requireShippingRule({ flat: -1 })).toThrow(/shipping\.flat must be a non-negative integer/);
    expect(() => requireShippingRule({ flat: 495, freeFrom: 49.5 })).toThrow(/shipping\.freeFrom/);
  });

  it("prices a cart from its snapshots", () => {
    const usd = (amount: number) => ({ amount, currency: "USD" as const });
    const cart = [{ priceSnapshot: usd(1000), quantity: 2, taxRateBps: 700 }, { priceSnapshot: usd(250), quantity: 1 }];
    expect(priceCart(cart, { flat: 300, freeFrom: 10_000 })).toEqual({ subtotal: 2250, lineTaxes: [140, 0], tax: 140, shipping: 300, total: 2690 });
  });

  it("refuses a rate that is not a whole number of basis points in 0..10000", () => {
    for (const bad of [-1, 10_001, 0.5, Number.NaN, "700"]) expect(() => requireTaxRate(bad)).toThrow(/basis points/);
    expect(requireTaxRate(10_000)).toBe(10_000);
  });
});

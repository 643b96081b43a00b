// Stock conservation, checked after every benchmark cell: a strategy's speed counts only if the
// books still balance. Pure: judges a snapshot of the engine's own tables.
import type { SkuSnapshot } from "./model.ts";

export interface AuditReport {
  readonly ok: boolean;
  /** Units promised beyond on-hand, summed over SKUs: must be 0. */
  readonly oversell: number;
  /**
   * Units held by reservation rows that the stock counter does not know about: the same counter
   * units were handed to two buyers (a lost update). Must be 0.
   */
  readonly doubleSold: number;
  /** One line per broken rule, naming the SKU. */
  readonly violations: readonly string[];
}

export function auditStock(skus: readonly SkuSnapshot[], initialOnHand = 0): AuditReport {
  const violations: string[] = [];
  let oversell = 0;
  let doubleSold = 0;
  for (const s of skus) {
    if (s.onHand !== initialOnHand + s.movementsTotal) violations.push(`${s.sku}: on-hand ${s.onHand} != initial ${initialOnHand} + movements ${s.movementsTotal}`);
    if (s.activeUnits > s.onHand) {
      oversell += s.activeUnits - s.onHand;
      violations.push(`${s.sku}: reservations hold ${s.activeUnits} units but on-hand is ${s.onHand} (oversold ${s.activeUnits - s.onHand})`);
    }
    if (s.bucketsOverdrawn > 0 && s.activeUnits <= s.onHand) {
      oversell += s.bucketsOverdrawn;
      violations.push(`${s.sku}: buckets overdrawn by ${s.bucketsOverdrawn} units`);
    }
    if (s.activeUnits > s.counterUnits) {
      doubleSold += s.activeUnits - s.counterUnits;
      violations.push(`${s.sku}: reservations hold ${s.activeUnits} units but the counter shows ${s.counterUnits} taken (${s.activeUnits - s.counterUnits} sold twice)`);
    } else if (s.activeUnits < s.counterUnits) {
      violations.push(`${s.sku}: counter shows ${s.counterUnits} units taken but reservations hold ${s.activeUnits} (units leaked)`);
    }
  }
  return { ok: violations.length === 0, oversell, doubleSold, violations };
}

/**
 * False sold-out: requests refused as sold out on a SKU that still had at least that many units
 * free when the cell ended.
 */
export function undersell(refusals: ReadonlyMap<string, readonly number[]>, skus: readonly SkuSnapshot[]): number {
  let count = 0;
  for (const s of skus) {
    const free = s.onHand - s.activeUnits;
    for (const q of refusals.get(s.sku) ?? []) if (q <= free) count += 1;
  }
  return count;
}

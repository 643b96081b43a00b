// The nemesis and the merchant's admin: the harness's processes that change the world around the
// system. The nemesis crashes the coordinator process and jumps the clock past reservation holds;
// the admin changes prices between add-to-cart and checkout.
import type { Stores } from "../core/ports/index.ts";
import type { Sku } from "../core/ids.ts";
import type { PriceChange } from "../core/invariants/world.ts";
import { adminPriceChange } from "./buyers.ts";
import { every, HARNESS_PERIOD_MS, type RunContext } from "./runContext.ts";
import type { SystemUnderTest } from "./system.ts";

/** Starts the nemesis; returns the clock jumps it makes (the checkers discount jumped time from delays). */
export function startNemesis(ctx: RunContext, system: SystemUnderTest, running: () => boolean): { at: number; ms: number }[] {
  const { clock, faults, timing } = ctx;
  const jumps: { at: number; ms: number }[] = [];
  every(clock, HARNESS_PERIOD_MS.nemesis, running, async () => {
    if (faults.fire("coordinator.crash", "nemesis")) system.crash();
    if (faults.fire("clock.jump", "nemesis")) {
      jumps.push({ at: clock.now(), ms: timing.holdMs + 1 });
      clock.jump(timing.holdMs + 1);
    }
  });
  return jumps;
}

export function startAdmin(ctx: RunContext, catalog: (process: string) => Pick<Stores, "catalog">, skus: readonly Sku[], priceChanges: PriceChange[], running: () => boolean): void {
  const stores = catalog("admin");
  every(ctx.clock, HARNESS_PERIOD_MS.admin, running, async () => {
    if (ctx.faults.fire("admin.price-change", "admin")) await adminPriceChange(ctx, stores, skus, priceChanges);
  });
}

// The nemesis and the merchant's admin: the harness's processes that change the world around the
// system. The nemesis crashes the coordinator process and jumps the clock past reservation holds;
// the admin changes prices between add-to-cart and checkout.
import type { Stores } from "../core/ports/index.ts";
import type { Sku } from "../core/ids.ts";
import type { PriceChange } from "../core/invariants/world.ts";
import { adminPriceChange } from "./buyers.ts";
import { every, HARNESS_PERIOD_MS, type RunContext } from "./runContext.ts";
import type { SystemUnderTest } from "./system.ts";

export function startNemesis(ctx: RunContext, system: SystemUnderTest, running: () => boolean): void {
  const { clock, faults, timing } = ctx;
  every(clock, HARNESS_PERIOD_MS.nemesis, running, async () => {
    if (faults.fire("coordinator.crash", "nemesis")) system.crash();
    if (faults.fire("clock.jump", "nemesis")) clock.jump(timing.holdMs + 1);
  });
}

export function startAdmin(ctx: RunContext, catalog: (process: string) => Pick<Stores, "catalog">, skus: readonly Sku[], priceChanges: PriceChange[], running: () => boolean): void {
  const stores = catalog("admin");
  every(ctx.clock, HARNESS_PERIOD_MS.admin, running, async () => {
    if (ctx.faults.fire("admin.price-change", "admin")) await adminPriceChange(ctx, stores, skus, priceChanges);
  });
}

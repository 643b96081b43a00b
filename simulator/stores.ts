// Which store adapters a run uses: the in-process memory default, the embedded SQLite default, or a
// team's own factory (any engine that implements the ports).
import type { Clock } from "../core/clock.ts";
import type { Stores } from "../core/ports/index.ts";
import { createMemoryStores } from "../adapters/memory/index.ts";
import { createSqliteStores } from "../adapters/sqlite/index.ts";
import type { SimContext } from "./harness.ts";

export interface OpenedStores {
  readonly stores: Stores;
  close(): void;
}

/**
 * A team's own adapters: build a fresh, empty set of stores on the given clock. `sim.roundTrip` marks
 * each round trip to the engine as a scheduling point (one-argument factories keep working).
 */
export type StoresFactory = (clock: Clock, sim: SimContext) => Stores | OpenedStores;

export const STORE_ENGINES = ["memory", "sqlite"] as const;
export type StoresChoice = (typeof STORE_ENGINES)[number] | StoresFactory;

export function openStores(choice: StoresChoice, clock: Clock, sim: SimContext): OpenedStores {
  if (choice === "memory") return { stores: createMemoryStores(clock), close: () => undefined };
  if (choice === "sqlite") return createSqliteStores(":memory:", clock);
  const made = choice(clock, sim);
  return "stores" in made && "close" in made ? made : { stores: made as Stores, close: () => undefined };
}

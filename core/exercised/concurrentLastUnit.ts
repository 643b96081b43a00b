// Stock ran out under contention: a checkout was refused for the units another checkout had just
// taken, within the same moment of the run (a second). Without it, no-oversell passes vacuously.
import { field, operations, type ExercisedCondition } from "./entry.ts";

const WINDOW_MS = 1000;

export const concurrentLastUnit: ExercisedCondition = {
  name: "concurrent-last-unit",
  description: "two checkouts competed for a SKU's last units: one reserved them, the other was refused",
  holds(entries) {
    const reserves = operations(entries, (f) => f === "inventory.reserve").filter((o) => o.end === "ok");
    const refused = reserves.filter((o) => field(o.result, "ok") === false && field(o.result, "reason") === "insufficient");
    const taken = reserves.filter((o) => field(o.result, "ok") === true && field(o.result, "created") === true);
    return refused.some((r) => taken.some((t) => t.process !== r.process && t.endIndex! < r.endIndex! && entries[t.endIndex!]!.time >= entries[r.endIndex!]!.time - WINDOW_MS));
  },
};

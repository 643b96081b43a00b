// Worker thread entry: loads the TypeScript worker through tsx's loader, as bin/checkout-sim.mjs does.
import { register } from "tsx/esm/api";

register();
await import("./worker.ts");

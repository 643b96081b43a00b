// Runs the inventory contract and the model-based test against the memory engine.
import { inventoryContract } from "../contract/inventory.contract.ts";
import { inventoryModelTest } from "../contract/inventory.model.ts";
import { MemoryInventory } from "./inventory.ts";

inventoryContract("memory", (clock) => new MemoryInventory({ clock }));
inventoryModelTest("memory", (clock) => new MemoryInventory({ clock }), { numRuns: 150 });

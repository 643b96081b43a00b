// Runs the shared checkout command contract against the in-memory engine.
import { checkoutCommandsContract } from "../contract/checkoutCommands.contract.ts";
import { MemoryCheckoutCommands } from "./checkoutCommands.ts";

checkoutCommandsContract("memory", (clock) => new MemoryCheckoutCommands({ clock }));

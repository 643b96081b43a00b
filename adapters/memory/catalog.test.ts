// Runs the catalog contract against the memory engine.
import { catalogContract } from "../contract/catalog.contract.ts";
import { MemoryCatalog } from "./catalog.ts";

catalogContract("memory", () => new MemoryCatalog());

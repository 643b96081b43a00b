// Runs the shared event stream contract against the in-memory engine.
import { eventStreamContract } from "../contract/eventStream.contract.ts";
import { MemoryEventStream } from "./eventStream.ts";

eventStreamContract("memory", (clock) => new MemoryEventStream({ clock }));

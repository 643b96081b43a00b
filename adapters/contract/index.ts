// The contract suites, public: a new engine (PostgreSQL, Redis, a team's own service client) proves
// itself by calling these from its own vitest file, as memory and SQLite do.
export { catalogContract } from "./catalog.contract.ts";
export { cartContract } from "./cart.contract.ts";
export { inventoryContract } from "./inventory.contract.ts";
export { inventoryModelTest } from "./inventory.model.ts";
export { orderLedgerContract, checkOrderLedgerModel } from "./orderLedger.contract.ts";
export { paymentLedgerContract } from "./paymentLedger.contract.ts";
export { eventStreamContract } from "./eventStream.contract.ts";
export { checkoutCommandsContract } from "./checkoutCommands.contract.ts";
export { expectError } from "./expectError.ts";

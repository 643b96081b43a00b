// core: domain types, ports, the order lifecycle and the checkout statecharts. No I/O, no clock,
// no randomness of its own: it is handed a Clock, a Random and the store ports.
export * from "./ids.ts";
export * from "./money.ts";
export * from "./errors.ts";
export * from "./clock.ts";
export * from "./validate.ts";
export * from "./orderLifecycle.ts";
export * from "./ports/index.ts";
export * from "./checkout/deps.ts";
export * from "./pricing.ts";

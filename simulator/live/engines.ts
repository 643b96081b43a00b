// The engine choices of a live run, in a file that imports nothing, so the CLI can validate
// `--stores` without loading the PostgreSQL, Redis and NATS clients.
export const LIVE_ENGINES = ["postgres", "real"] as const;
export type LiveEngine = (typeof LIVE_ENGINES)[number];

// The two ways a benchmark client gives way to others. `think` stands for the round trip between
// reading and writing in application code (a microtask: cheap, but other clients run in between);
// `backoff` waits a macrotask turn before retrying a busy lock, so the holder can finish.

export const think = (): Promise<void> => Promise.resolve();

export const backoff = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

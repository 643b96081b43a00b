// Bad input is the user's to fix, not a crash: one clear line on stderr and exit code 2.

export class UsageError extends Error {
  readonly _tag = "UsageError";
}

export const EXIT = { ok: 0, violation: 1, usage: 2 } as const;

/** Parses a non-negative integer option, or throws UsageError naming the option and the bad value. */
export function parseCount(value: string, option: string, min = 0): number {
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`${option} must be a whole number, got ${JSON.stringify(value)}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${option} must be at least ${min}, got ${value}`);
  return n;
}

/** Checks a choice option against its allowed values. */
export function parseChoice<T extends string>(value: string, option: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`${option} must be one of ${choices.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

// Shared precondition checks for ports: every adapter calls these first, so bad input writes nothing
// and the error is the same on every engine.
import { InvalidInput } from "./errors.ts";
import { KEY_LENGTH_MAX } from "./ids.ts";

export function requireKey(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0) throw new InvalidInput({ field, message: `${field} must be a non-empty string` });
  if (value.length > KEY_LENGTH_MAX) throw new InvalidInput({ field, message: `${field} must be at most ${KEY_LENGTH_MAX} characters, got ${value.length}` });
  return value;
}

export function requireQuantity(value: unknown, field = "quantity"): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value <= 0)
    throw new InvalidInput({ field, message: `${field} must be a positive integer, got ${String(value)}` });
  return value;
}

export function requireNonNegativeInt(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw new InvalidInput({ field, message: `${field} must be a non-negative integer, got ${String(value)}` });
  return value;
}

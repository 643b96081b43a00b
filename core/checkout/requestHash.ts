// The request hash a checkout command is recorded under: same checkout id + same hash = the same
// submission (attach), a different hash = a conflict. Canonical JSON (sorted keys) and a small pure
// hash: deterministic, no randomness, no crypto dependency in core.
import type { CheckoutRequest } from "./deps.ts";

/** JSON with object keys sorted, so field order never changes the hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

/** cyrb53: a fast 53-bit string hash; two seeds give 106 bits, plenty to tell submissions apart. */
function cyrb53(s: string, seed: number): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The hash of what the buyer asked for. `submission` (the click count) is left out: a double click
 * is the same request, and must attach rather than conflict.
 */
export function hashRequest(request: CheckoutRequest): string {
  const { submission: _click, ...rest } = request;
  const json = canonicalJson(rest);
  return cyrb53(json, 1).toString(16).padStart(14, "0") + cyrb53(json, 2).toString(16).padStart(14, "0");
}

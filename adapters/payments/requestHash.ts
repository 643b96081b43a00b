// A stable fingerprint of an outgoing payment request, stored with its ledger row: the same key with a
// different request is a bug to refuse, not a retry to replay. Canonical JSON makes it key-order proof.
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every depth, so equal requests always serialize identically. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export const requestHash = (request: unknown): string => createHash("sha256").update(canonicalJson(request)).digest("hex");

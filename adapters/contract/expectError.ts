// One way for the contract suites to assert a typed failure, whether an engine throws synchronously
// or rejects, so a remote engine's client library cannot slip past the check.
import { expect } from "vitest";
import type { DomainError } from "../../core/errors.ts";

export async function expectError(tag: DomainError["_tag"], fn: () => Promise<unknown>): Promise<DomainError> {
  let outcome: { ok: true; value: unknown } | { ok: false; error: unknown };
  try {
    outcome = { ok: true, value: await fn() };
  } catch (error) {
    outcome = { ok: false, error };
  }
  expect(outcome.ok, `expected ${tag}, got a result`).toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toMatchObject({ _tag: tag });
  return error as DomainError;
}

// Typed failures. Domain outcomes a buyer can cause (out of stock, declined) are *values* returned by
// ports; the errors here are for bad input and broken contracts, and always carry a clear message.
import * as Data from "effect/Data";

/** Input that violates a port's preconditions (zero quantity, non-integer money, empty key...). Nothing was written. */
export class InvalidInput extends Data.TaggedError("InvalidInput")<{ readonly message: string; readonly field: string }> {}

/** An order event that the order lifecycle does not allow after the events already in the ledger. */
export class IllegalTransition extends Data.TaggedError("IllegalTransition")<{
  readonly message: string;
  readonly orderId: string;
  readonly from: string;
  readonly event: string;
}> {}

/** The same idempotency key was reused with a different request (hash mismatch). */
export class IdempotencyConflict extends Data.TaggedError("IdempotencyConflict")<{
  readonly message: string;
  readonly key: string;
}> {}

/** A referenced entity does not exist (unknown SKU, unknown reservation). */
export class NotFound extends Data.TaggedError("NotFound")<{ readonly message: string; readonly entity: string; readonly id: string }> {}

export type DomainError = InvalidInput | IllegalTransition | IdempotencyConflict | NotFound;

export const isDomainError = (e: unknown): e is DomainError =>
  typeof e === "object" && e !== null && "_tag" in e &&
  ["InvalidInput", "IllegalTransition", "IdempotencyConflict", "NotFound"].includes((e as { _tag: string })._tag);

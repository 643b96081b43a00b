// Validation of checkout command input, shared by every engine: bad ids or statuses are refused
// the same way everywhere, before anything is written.
import { InvalidInput } from "../../core/errors.ts";
import type { BuyerId, CheckoutId } from "../../core/ids.ts";
import type { CommandStatus } from "../../core/ports/checkoutCommands.ts";
import { requireKey } from "../../core/validate.ts";

const STATUSES: readonly CommandStatus[] = ["running", "confirmed", "rejected", "compensated"];

export interface SubmitInput {
  readonly checkoutId: CheckoutId;
  readonly buyerId: BuyerId;
  readonly requestHash: string;
  readonly request: string;
}

export function submitInput(input: { checkoutId: unknown; buyerId: unknown; requestHash: unknown; request: unknown }): SubmitInput {
  if (typeof input.request !== "string") throw new InvalidInput({ field: "request", message: "request must be a JSON string" });
  return {
    checkoutId: requireKey(input.checkoutId, "checkoutId") as CheckoutId,
    buyerId: requireKey(input.buyerId, "buyerId") as BuyerId,
    requestHash: requireKey(input.requestHash, "requestHash"),
    request: input.request,
  };
}

export function saveInput(update: { status: unknown; snapshot: unknown }): { status: CommandStatus; snapshot: string | null } {
  if (typeof update.status !== "string" || !(STATUSES as readonly string[]).includes(update.status))
    throw new InvalidInput({ field: "status", message: `status must be one of ${STATUSES.join(", ")}, got ${JSON.stringify(update.status)}` });
  if (update.snapshot !== null && typeof update.snapshot !== "string") throw new InvalidInput({ field: "snapshot", message: "snapshot must be a JSON string or null" });
  return { status: update.status as CommandStatus, snapshot: update.snapshot };
}

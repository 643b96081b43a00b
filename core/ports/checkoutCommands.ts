// Checkout command records: the durable part of the coordinator. A crash loses memory only; recovery
// resumes every unfinished checkout from its record and persisted machine snapshot.
import type { BuyerId, CheckoutId } from "../ids.ts";

export type CommandStatus = "running" | "confirmed" | "rejected" | "compensated";

export interface CheckoutCommand {
  /** The client's idempotency key for the whole submission. */
  readonly checkoutId: CheckoutId;
  readonly buyerId: BuyerId;
  readonly requestHash: string;
  /** The submitted CheckoutRequest (JSON), so recovery can restart a checkout that has no snapshot yet. */
  readonly request: string;
  readonly status: CommandStatus;
  /** Persisted machine snapshot (JSON), null before the first transition. */
  readonly snapshot: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type SubmitResult =
  | { readonly status: "created"; readonly command: CheckoutCommand }
  | { readonly status: "existing"; readonly command: CheckoutCommand }
  /** Same checkout id with a different request hash: refused, nothing written. */
  | { readonly status: "conflict"; readonly command: CheckoutCommand };

export interface CheckoutCommandStore {
  submit(input: { checkoutId: CheckoutId; buyerId: BuyerId; requestHash: string; request: string }): Promise<SubmitResult>;
  save(checkoutId: CheckoutId, update: { status: CommandStatus; snapshot: string | null }): Promise<CheckoutCommand>;
  get(checkoutId: CheckoutId): Promise<CheckoutCommand | undefined>;
  /** Commands still `running`, oldest first: what recovery resumes. */
  unfinished(): Promise<CheckoutCommand[]>;
  all(): Promise<CheckoutCommand[]>;
}

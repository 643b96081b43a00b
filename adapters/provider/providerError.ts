// A provider answer that is not a value of the port's return type: a search or lookup that got an
// HTTP error (5xx, 401...). Kept apart from ProviderUnreachable because here the provider did answer.
import type { ProviderErrorBody } from "../../core/ports/paymentProvider.ts";

export class ProviderHttpError extends Error {
  readonly _tag = "ProviderHttpError";
  constructor(
    readonly status: number,
    readonly body: ProviderErrorBody | null,
  ) {
    super(`payment provider answered ${status}${body === null ? "" : `: ${body.error.type}: ${body.error.message}`}`);
  }
}

export const isProviderHttpError = (e: unknown): e is ProviderHttpError => e instanceof ProviderHttpError;

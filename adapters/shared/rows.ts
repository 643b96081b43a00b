// Rows of the SQL engines' payment, command and cart tables, mapped to the port's records once for every
// engine. Integer columns come back as numbers from SQLite and as strings (bigint) from PostgreSQL.
import type { BuyerId, CheckoutId, IdempotencyKey, MerchantId, OrderId, ProviderRef } from "../../core/ids.ts";
import type { Cart, CartLine } from "../../core/ports/cart.ts";
import type { Currency } from "../../core/money.ts";
import { fromLineTuple, toLineTuple, type CartLineTuple } from "./cartRules.ts";
import type { CheckoutCommand, CommandStatus } from "../../core/ports/checkoutCommands.ts";
import type { PaymentOperation, PaymentRecord, PaymentStatus, ReconciliationState } from "../../core/ports/paymentLedger.ts";

type Int = number | string;
export const int = (v: Int): number => (typeof v === "number" ? v : Number(v));

export interface PaymentRow {
  merchant_id: string;
  key: string;
  operation: string;
  request_hash: string;
  amount: Int;
  currency: string;
  checkout_id: string;
  order_id: string | null;
  status: string;
  provider_ref: string | null;
  response: string | null;
  reconciliation: string;
  created_at: Int;
  updated_at: Int;
}

export const paymentRecordOf = (r: PaymentRow): PaymentRecord =>
  Object.freeze({
    merchantId: r.merchant_id as MerchantId,
    key: r.key as IdempotencyKey,
    operation: r.operation as PaymentOperation,
    requestHash: r.request_hash,
    amount: Object.freeze({ amount: int(r.amount), currency: r.currency as Currency }),
    checkoutId: r.checkout_id as CheckoutId,
    orderId: r.order_id as OrderId | null,
    status: r.status as PaymentStatus,
    providerRef: r.provider_ref as ProviderRef | null,
    response: r.response,
    reconciliation: r.reconciliation as ReconciliationState,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  });

export interface CommandRow {
  checkout_id: string;
  buyer_id: string;
  request_hash: string;
  request: string;
  status: string;
  snapshot: string | null;
  created_at: Int;
  updated_at: Int;
}

export const checkoutCommandOf = (r: CommandRow): CheckoutCommand =>
  Object.freeze({
    checkoutId: r.checkout_id as CheckoutId,
    buyerId: r.buyer_id as BuyerId,
    requestHash: r.request_hash,
    request: r.request,
    status: r.status as CommandStatus,
    snapshot: r.snapshot,
    createdAt: int(r.created_at),
    updatedAt: int(r.updated_at),
  });

export interface CartRow {
  buyer_id: string;
  version: Int;
  updated_at: Int;
  expires_at: Int;
  lines: string;
}

/** A cart's lines as the compact JSON document the SQL engines store (a cart is read and written whole; lines as CartLineTuple, shared/cartRules.ts). */
export const cartLinesJson = (lines: readonly CartLine[]): string => JSON.stringify(lines.map(toLineTuple));

export const cartOf = (r: CartRow): Cart =>
  Object.freeze({
    buyerId: r.buyer_id as BuyerId,
    version: int(r.version),
    updatedAt: int(r.updated_at),
    expiresAt: int(r.expires_at),
    lines: Object.freeze((JSON.parse(r.lines) as CartLineTuple[]).map(fromLineTuple)),
  });

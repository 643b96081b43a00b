// Branded ids: a Sku can never be passed where an OrderId is expected, yet both stay plain strings
// on the wire and in SQL. Ids are derived from the seed and counters, never random UUIDs.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type Sku = Brand<string, "Sku">;
export type LocationId = Brand<string, "LocationId">;
export type BuyerId = Brand<string, "BuyerId">;
export type CheckoutId = Brand<string, "CheckoutId">;
export type OrderId = Brand<string, "OrderId">;
export type ReservationKey = Brand<string, "ReservationKey">;
export type EventId = Brand<string, "EventId">;
export type MerchantId = Brand<string, "MerchantId">;
export type IdempotencyKey = Brand<string, "IdempotencyKey">;
export type ProviderRef = Brand<string, "ProviderRef">;

export const Sku = (s: string) => s as Sku;
export const LocationId = (s: string) => s as LocationId;
export const BuyerId = (s: string) => s as BuyerId;
export const CheckoutId = (s: string) => s as CheckoutId;
export const OrderId = (s: string) => s as OrderId;
export const ReservationKey = (s: string) => s as ReservationKey;
export const EventId = (s: string) => s as EventId;
export const MerchantId = (s: string) => s as MerchantId;
export const IdempotencyKey = (s: string) => s as IdempotencyKey;
export const ProviderRef = (s: string) => s as ProviderRef;

/** Keys and ids are bounded like Stripe's idempotency keys: 1..255 characters. */
export const KEY_LENGTH_MAX = 255;

/** The idempotency keys of the checkout contract, derived from the client-supplied checkout id. */
export const keys = {
  reserve: (c: CheckoutId) => ReservationKey(`${c}:reserve`),
  order: (c: CheckoutId) => OrderId(`${c}:order`),
  authorize: (c: CheckoutId) => IdempotencyKey(`${c}:auth`),
  capture: (o: OrderId) => IdempotencyKey(`${o}:capture`),
  void: (c: CheckoutId) => IdempotencyKey(`${c}:void`),
  refund: (o: OrderId) => IdempotencyKey(`${o}:refund`),
  orderEvent: (o: OrderId, type: string) => EventId(`${o}:${type}`),
} as const;

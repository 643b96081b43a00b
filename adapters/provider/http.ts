// msw v2 handlers that serve the provider model over HTTP with Stripe-like semantics, so the fetch client
// (and a team's own client) is tested against real requests. Outside simulated runs only: faults here
// use real time (msw delay, client aborts).
import { delay, http, HttpResponse } from "msw";
import type { HttpHandler } from "msw";
import type { MerchantId } from "../../core/ids.ts";
import type { ProviderErrorBody, ProviderResponse } from "../../core/ports/paymentProvider.ts";
import type { Fault, ProviderCall } from "./faults.ts";
import type { InFlightRequest, ProviderModel, ProviderOperation } from "./model.ts";
import { IDEMPOTENCY_KEY_HEADER, PROVIDER_BASE_URL, REPLAYED_HEADER, paths, testApiKey } from "./wire.ts";

export interface ProviderHandlersOptions {
  readonly baseUrl?: string;
  /** API key → merchant. Default: `sk_test_<merchant>` for each of the model's merchants. */
  readonly apiKeys?: ReadonlyMap<string, MerchantId>;
  /** Fault for one request, decided by the caller; null for none. */
  readonly decide?: (operation: ProviderCall, request: Request) => Fault | null;
  /** Awaited while a mutation is in flight (key locked, not yet executed): lets a test hold it there. */
  readonly hold?: (request: InFlightRequest) => Promise<void> | void;
}

type Json = Record<string, unknown>;

const jsonError = (status: number, type: ProviderErrorBody["error"]["type"], message: string) =>
  HttpResponse.json({ error: { type, message } } satisfies ProviderErrorBody, { status });

const toHttp = (r: ProviderResponse) =>
  HttpResponse.json(r.body as unknown as Json, { status: r.status, headers: r.replayed ? { [REPLAYED_HEADER]: "true" } : {} });

/** Resolves when the client gives up, so a "lost" exchange leaves no pending handler behind. */
const untilAborted = (request: Request): Promise<void> =>
  new Promise((resolve) => {
    if (request.signal.aborted) resolve();
    else request.signal.addEventListener("abort", () => resolve(), { once: true });
  });

export function providerHandlers(model: ProviderModel, options: ProviderHandlersOptions = {}): HttpHandler[] {
  const base = options.baseUrl ?? PROVIDER_BASE_URL;
  const apiKeys = options.apiKeys ?? new Map(model.merchants().map((m) => [testApiKey(m), m]));
  const decide = options.decide ?? (() => null);

  const merchantOf = (request: Request): MerchantId | undefined => {
    const auth = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/.exec(auth);
    return match?.[1] === undefined ? undefined : apiKeys.get(match[1]);
  };

  const readJson = async (request: Request): Promise<Json | string> => {
    const text = await request.text();
    if (text.trim() === "") return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return "malformed JSON body";
    }
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Json) : "request body must be a JSON object";
  };

  const mutation = (operation: ProviderOperation, toParams: (body: Json, chargeId: string) => unknown) =>
    async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
      const merchant = merchantOf(request);
      if (merchant === undefined) return jsonError(401, "authentication", "unknown or missing API key (Authorization: Bearer sk_test_...)");
      const body = await readJson(request);
      if (typeof body === "string") return jsonError(400, "invalid_request", body);
      const fault = decide(operation, request);
      if (fault?.kind === "error-before") return jsonError(503, "api_error", "service unavailable; nothing was processed");
      if (fault?.kind === "request-lost") {
        await untilAborted(request);
        return HttpResponse.error();
      }
      const chargeId = typeof params["id"] === "string" ? params["id"] : "";
      const begun = model.begin(merchant, request.headers.get(IDEMPOTENCY_KEY_HEADER) ?? undefined, operation, toParams(body, chargeId));
      let response: ProviderResponse;
      if (begun.kind === "respond") response = begun.response;
      else {
        try {
          await options.hold?.(begun.request);
          if (fault?.kind === "latency") await delay(fault.ms);
        } catch (e) {
          model.abandon(begun.request);
          throw e;
        }
        response = model.finish(begun.request);
      }
      if (fault?.kind === "latency" && begun.kind === "respond") await delay(fault.ms);
      if (fault?.kind === "error-after") return jsonError(500, "api_error", "internal error after processing");
      if (fault?.kind === "reset-after") return HttpResponse.error();
      if (fault?.kind === "response-lost") {
        await untilAborted(request);
        return HttpResponse.error();
      }
      return toHttp(response);
    };

  const read = (operationOf: (request: Request) => ProviderCall, answer: (merchant: MerchantId, request: Request, id: string) => Response) =>
    async ({ request, params }: { request: Request; params: Record<string, string | readonly string[] | undefined> }) => {
      const merchant = merchantOf(request);
      if (merchant === undefined) return jsonError(401, "authentication", "unknown or missing API key (Authorization: Bearer sk_test_...)");
      const fault = decide(operationOf(request), request);
      if (fault?.kind === "error-before") return jsonError(503, "api_error", "service unavailable");
      if (fault?.kind === "error-after") return jsonError(500, "api_error", "internal error");
      if (fault?.kind === "request-lost" || fault?.kind === "response-lost") {
        await untilAborted(request);
        return HttpResponse.error();
      }
      if (fault?.kind === "reset-after") return HttpResponse.error();
      if (fault?.kind === "latency") await delay(fault.ms);
      return answer(merchant, request, typeof params["id"] === "string" ? params["id"] : "");
    };

  const amountOf = (body: Json) => body["amount"];
  return [
    http.post(`${base}${paths.charges}`, mutation("authorize", (b) => ({ amount: { amount: b["amount"], currency: b["currency"] }, reference: b["reference"] }))),
    http.post(`${base}/v1/charges/:id/capture`, mutation("capture", (b, id) => ({ chargeId: id, amount: amountOf(b) }))),
    http.post(`${base}/v1/charges/:id/void`, mutation("void", (_b, id) => ({ chargeId: id }))),
    http.post(`${base}/v1/charges/:id/refunds`, mutation("refund", (b, id) => ({ chargeId: id, amount: amountOf(b) }))),
    http.get(
      `${base}${paths.charges}`,
      read((r) => (new URL(r.url).searchParams.has("idempotency_key") ? "searchByKey" : "searchByReference"), (merchant, request) => {
        const q = new URL(request.url).searchParams;
        const key = q.get("idempotency_key");
        const reference = q.get("reference");
        if (key !== null) return HttpResponse.json({ data: model.findByKey(merchant, key) });
        if (reference !== null) return HttpResponse.json({ data: model.findByReference(merchant, reference) });
        return jsonError(400, "invalid_request", "search needs idempotency_key or reference");
      }),
    ),
    http.get(`${base}/v1/charges/:id`, read(() => "retrieve", (merchant, _request, id) => toHttp(model.retrieveNow(merchant, id)))),
  ];
}

// The harness wraps every port so adapters never need to know the simulator: a call is recorded as
// `invoke`, waits as a scheduled step, runs the real adapter when picked, and its answer is
// delivered, delayed or lost as the fault sites decide, all on virtual time.
import { ProviderUnreachable } from "../core/ports/paymentProvider.ts";
import type { VirtualClock } from "./clock.ts";
import type { Faults, FaultSite } from "./faults.ts";
import type { History } from "./history.ts";
import type { Scheduler } from "./scheduler.ts";

/** The caller gave up waiting: the operation may or may not have happened. */
export class CallTimeout extends Error {
  readonly _tag = "CallTimeout";
  constructor(readonly f: string, readonly afterMs: number) {
    super(`${f}: no answer within ${afterMs} ms`);
  }
}

export interface HarnessOptions {
  /** How long a caller waits for a store answer before it gives up (the RPC timeout). */
  readonly storeTimeoutMs: number;
  /** How long the payment client waits for the provider. */
  readonly providerTimeoutMs: number;
}

/**
 * A scheduling point an adapter declares inside one port call: each round trip to its engine is a
 * scheduled step, so other processes may run between an adapter's read and its write (the classic
 * read-decide-write race becomes reachable), and faults may hit it.
 */
export interface SimContext {
  roundTrip<T>(label: string, fn: () => T | Promise<T>): Promise<T>;
}

/** Outside the simulator a round trip is just the call. */
export const directContext: SimContext = { roundTrip: async (_label, fn) => fn() };

/** A round trip the network ate: before the statement ran, or after (its effect stands, its answer is lost). */
export class RoundTripLost extends Error {
  readonly _tag = "RoundTripLost";
  constructor(
    readonly f: string,
    readonly when: "before" | "after",
  ) {
    super(`${f}: connection lost ${when === "before" ? "before the statement" : "after the statement; its answer is lost"}`);
  }
}

/** Which faults a port's calls are exposed to; stores and the provider fail differently. */
export type PortKind = "store" | "provider";

/** What the run's processes wrap their ports with: this scheduled harness, or live mode's (simulator/live/). */
export interface PortWrapper {
  wrap<T extends object>(portName: string, target: T, process: ProcessRef, kind?: PortKind, methods?: readonly string[]): T;
}

/** A process that can die: calls it made are dropped or left unanswered after it crashes. */
export interface ProcessRef {
  readonly name: string;
  alive: boolean;
}

export class Harness implements PortWrapper {
  /** Calls a process made that are still waiting for the scheduler. */
  constructor(
    private readonly scheduler: Scheduler,
    private readonly clock: VirtualClock,
    private readonly faults: Faults,
    private readonly history: History,
    private readonly options: HarnessOptions,
  ) {}

  /** The SimContext handed to store factories: round trips on this run's scheduler and faults. */
  simContext(): SimContext {
    return { roundTrip: (label, fn) => this.roundTrip(label, fn) };
  }

  // The per-call paths below avoid named closures: tsx compiles with esbuild's keepNames, which
  // wraps every named function expression in a defineProperty call, a measurable cost per call.
  private roundTrip<T>(label: string, fn: () => T | Promise<T>): Promise<T> {
    const f = `db.${label}`;
    return new Promise<T>((resolve, reject) => {
      const op = this.history.newOp();
      this.scheduler.enqueue(DB_PROCESS, f, () => {
        if (this.history.recordOperations) this.history.add(this.clock.now(), "invoke", DB_PROCESS, f, undefined, op);
        if (this.faults.fire("store.request-lost", DB_PROCESS, f)) return this.roundTripLost(f, op, "before", reject);
        if (this.faults.fire("store.latency", DB_PROCESS, f)) this.clock.setTimeout(() => this.executeRoundTrip(f, op, fn, resolve, reject), 1 + this.faults.int(this.options.storeTimeoutMs)); // allowed: the virtual clock
        else this.executeRoundTrip(f, op, fn, resolve, reject);
      });
    });
  }

  private executeRoundTrip<T>(f: string, op: number, fn: () => T | Promise<T>, resolve: (v: T) => void, reject: (e: unknown) => void): void {
    Promise.resolve()
      .then(fn)
      .then(
        (value) => {
          if (this.faults.fire("store.response-lost", DB_PROCESS, f)) return this.roundTripLost(f, op, "after", reject);
          if (this.history.recordOperations) this.history.add(this.clock.now(), "ok", DB_PROCESS, f, summarizeResult(value), op);
          resolve(value);
        },
        (err: unknown) => {
          this.history.add(this.clock.now(), "fail", DB_PROCESS, f, errorSummary(err), op);
          reject(err);
        },
      );
  }

  private roundTripLost(f: string, op: number, when: "before" | "after", reject: (e: unknown) => void): void {
    this.history.add(this.clock.now(), "info", DB_PROCESS, f, `connection-lost-${when}`, op);
    reject(stackless(() => new RoundTripLost(f, when)));
  }

  /**
   * Wraps `target` for `process`: every function-valued property (own or inherited) becomes a
   * scheduled, fault-injected call. Port methods must return promises.
   */
  wrap<T extends object>(portName: string, target: T, process: ProcessRef, kind: PortKind = "store", methods: readonly string[] = methodsOf(target)): T {
    const wrapped: Record<string, unknown> = {};
    const sites = SITES[kind];
    for (const method of methods) {
      const call: Call = { process, kind, sites, f: `${portName}.${method}`, target: target as Record<string, (...a: unknown[]) => Promise<unknown>>, method };
      wrapped[method] = (...args: unknown[]) => this.call(call, args);
    }
    return wrapped as T;
  }

  private call(call: Call, args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const op = this.history.newOp();
      this.scheduler.enqueue(call.process.name, call.f, () => this.send(call, args, op, resolve, reject));
    });
  }

  /** The request leaves (when the scheduler picks it): faults decide whether and when it lands. */
  private send(call: Call, args: unknown[], op: number, resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
    const { process, kind, f, sites } = call;
    if (!process.alive) return; // the sender died before the request left
    if (this.history.recordOperations) this.history.add(this.clock.now(), "invoke", process.name, f, summarizeArgs(args), op);
    const timeoutMs = kind === "store" ? this.options.storeTimeoutMs : this.options.providerTimeoutMs;

    if (this.faults.fire(sites.requestLost, process.name, f)) return this.giveUp(call, op, "request-lost", timeoutMs, reject);
    if (kind === "provider" && this.faults.fire("provider.5xx-before", process.name, f)) {
      return this.deliver(process, f, op, { status: 503, body: { error: { type: "api_error", message: "service unavailable" } }, replayed: false }, resolve, 0);
    }

    // Latency is split between the way there and the way back: an effect may land after the
    // caller gave up (the charge appears after the client's timeout).
    let delay = 0;
    if (this.faults.fire(sites.latency, process.name, f)) delay = 1 + this.faults.int(timeoutMs * 2);
    const requestDelay = Math.floor(delay / 2);
    const timedOut = delay >= timeoutMs;
    if (timedOut) this.giveUp(call, op, "timeout", timeoutMs, reject);
    if (requestDelay > 0) this.clock.setTimeout(() => this.execute(call, args, op, delay - requestDelay, timedOut, timeoutMs, resolve, reject), requestDelay); // allowed: the virtual clock
    else this.execute(call, args, op, delay - requestDelay, timedOut, timeoutMs, resolve, reject);
  }

  /** The request lands: the adapter runs; its answer is delivered, delayed or lost. */
  private execute(call: Call, args: unknown[], op: number, responseDelay: number, timedOut: boolean, timeoutMs: number, resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
    const { process, kind, f, sites } = call;
    let pending: Promise<unknown>;
    try {
      pending = call.target[call.method]!(...args);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (value) => {
        if (timedOut) return; // the caller stopped listening; the effect stands
        if (this.faults.fire(sites.responseLost, process.name, f)) return this.giveUp(call, op, "timeout", timeoutMs, reject);
        if (kind === "provider") {
          if (this.faults.fire("provider.connection-reset", process.name, f)) {
            this.history.add(this.clock.now(), "info", process.name, f, "connection-reset", op);
            return process.alive ? reject(stackless(() => new ProviderUnreachable("connection-reset"))) : undefined;
          }
          if (this.faults.fire("provider.5xx-after", process.name, f))
            value = { status: 500, body: { error: { type: "api_error", message: "internal error after processing" } }, replayed: false };
        }
        this.deliver(process, f, op, value, resolve, responseDelay);
      },
      (err: unknown) => {
        if (!process.alive || timedOut) return;
        this.history.add(this.clock.now(), "fail", process.name, f, errorSummary(err), op);
        reject(err);
      },
    );
  }

  /** The caller stops waiting after its timeout: the request or its answer was lost (or is too late). */
  private giveUp(call: Call, op: number, reason: "timeout" | "request-lost", timeoutMs: number, reject: (e: unknown) => void): void {
    this.clock.setTimeout(() => { // allowed: the virtual clock
      if (!call.process.alive) return;
      this.history.add(this.clock.now(), "info", call.process.name, call.f, reason, op);
      reject(stackless(() => (call.kind === "provider" ? new ProviderUnreachable(reason === "timeout" ? "timeout" : "request-lost") : new CallTimeout(call.f, timeoutMs))));
    }, timeoutMs);
  }

  private deliver(process: ProcessRef, f: string, op: number, value: unknown, resolve: (v: unknown) => void, delayMs: number): void {
    if (delayMs > 0) this.clock.setTimeout(() => this.complete(process, f, op, value, resolve), delayMs); // allowed: the virtual clock
    else this.complete(process, f, op, value, resolve);
  }

  private complete(process: ProcessRef, f: string, op: number, value: unknown, resolve: (v: unknown) => void): void {
    if (!process.alive) return;
    if (this.history.recordOperations) this.history.add(this.clock.now(), "ok", process.name, f, summarizeResult(value), op);
    resolve(value);
  }
}

/**
 * A fault's error, built without capturing a stack trace (a few microseconds each, thousands per run):
 * the harness made it up, so its stack would only point into the scheduler.
 */
function stackless<E>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** The process name of an adapter's own round trips. */
const DB_PROCESS = "db";

/** One wrapped method: who calls it, which faults it is exposed to, and what it runs. */
interface Call {
  readonly process: ProcessRef;
  readonly kind: PortKind;
  readonly sites: { readonly requestLost: FaultSite; readonly latency: FaultSite; readonly responseLost: FaultSite };
  readonly f: string;
  readonly target: Record<string, (...a: unknown[]) => Promise<unknown>>;
  readonly method: string;
}

const SITES = {
  store: { requestLost: "store.request-lost", latency: "store.latency", responseLost: "store.response-lost" },
  provider: { requestLost: "provider.request-lost", latency: "provider.latency", responseLost: "provider.response-lost" },
} as const satisfies Record<PortKind, Call["sites"]>;

const methodCache = new WeakMap<object, string[]>();

/** Function-valued properties of an object and its prototype chain (not Object.prototype's). */
export function methodsOf(target: object): string[] {
  const proto = Object.getPrototypeOf(target) as object | null;
  const cached = proto && proto !== Object.prototype ? methodCache.get(proto) : undefined;
  if (cached) return cached;
  const names = new Set<string>();
  for (let o: object | null = target; o && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === "constructor" || name.startsWith("_")) continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === "function") names.add(name);
    }
  }
  const list = [...names].sort();
  if (proto && proto !== Object.prototype && !Object.getOwnPropertyNames(target).some((n) => typeof (target as Record<string, unknown>)[n] === "function")) methodCache.set(proto, list);
  return list;
}

const ID_FIELDS = ["key", "checkoutId", "orderId", "sku", "buyerId", "eventId", "chargeId", "reference", "status", "type", "ok", "reason", "created", "onHand", "held", "committed", "available", "requested"] as const;

const ID_INDEX = new Map<string, number>(ID_FIELDS.map((k, i) => [k, i]));

/** A short, deterministic picture of a value for the history: ids and statuses, never whole objects. */
export function summarize(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value !== "object") return value;
  if (Array.isArray(value)) return depth > 0 ? `[${value.length}]` : value.slice(0, 4).map((v) => summarize(v, depth + 1));
  const out: Record<string, unknown> = {};
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    // A plain object has no inherited fields: look only at the keys it has (a few), then emit them
    // in ID_FIELDS order, as the general path below does (the history's bytes must not change).
    let found: (string | undefined)[] | undefined;
    for (const k of Object.keys(value)) {
      const i = ID_INDEX.get(k);
      if (i !== undefined) (found ??= [])[i] = k;
    }
    if (found !== undefined)
      for (const k of found) {
        if (k === undefined) continue;
        const v = (value as Record<string, unknown>)[k];
        if (v !== undefined && (typeof v !== "object" || v === null)) out[k] = v;
      }
  } else
    for (const k of ID_FIELDS) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined && (typeof v !== "object" || v === null)) out[k] = v;
    }
  const body = (value as { body?: unknown }).body;
  if (body && typeof body === "object" && depth === 0) out["body"] = summarize(body, depth + 1);
  return out;
}

const summarizeArgs = (args: unknown[]) => (args.length === 1 ? summarize(args[0], 1) : args.map((a) => summarize(a, 1)));
const summarizeResult = (v: unknown) => summarize(v, 0);

function errorSummary(err: unknown): unknown {
  if (err && typeof err === "object" && "_tag" in err) return { error: (err as { _tag: string })._tag, message: (err as { message?: string }).message ?? "" };
  return { error: err instanceof Error ? err.message : String(err) };
}

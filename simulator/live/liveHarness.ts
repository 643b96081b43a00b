// Live mode's port wrapper: the same role as simulator/harness.ts (every port call is recorded as
// `invoke` then `ok` / `fail` / `info`, faults fire at the client side of the port, a dead process
// hears nothing), but calls run at once, concurrently, against real engines, on real time. Nothing
// is scheduled: interleaving is whatever the engines, the network and the event loop make of it.
//
// Faults, all decided by the run's fault sites (seeded choices, real timing):
//   request lost      the request never leaves; the caller waits its timeout, or (a connection
//                     reset) hears at once that the connection dropped. No effect.
//   response lost     the engine applied the effect; the answer is lost the same two ways.
//   latency           real delay, split across the way there and back; past the timeout the
//                     caller gives up while the effect may still land.
//   provider faults   5xx before/after processing and connection reset, as in the simulator.
// A real call slower than `callTimeoutMs` is a timeout too (counted apart: `slowCalls`).
import { ProviderUnreachable } from "../../core/ports/paymentProvider.ts";
import type { Faults, FaultSite } from "../faults.ts";
import { CallTimeout, methodsOf, summarize, type PortKind, type PortWrapper, type ProcessRef } from "../harness.ts";
import type { History } from "../history.ts";
import type { RealClock } from "./realClock.ts";

/** The connection dropped: the caller hears at once, and does not know whether the effect applied. */
export class ConnectionReset extends Error {
  readonly _tag = "ConnectionReset";
  constructor(readonly f: string, readonly when: "before" | "after") {
    super(`${f}: connection reset ${when === "before" ? "before the request was sent" : "after the request was sent; its answer is lost"}`);
  }
}

export interface LiveHarnessOptions {
  /** The scenario's caller timeouts: injected latency past them is a timeout, as in the simulator. */
  readonly storeTimeoutMs: number;
  readonly providerTimeoutMs: number;
  /**
   * How long a caller waits for a real answer that no fault delayed. A loaded machine or a contended
   * row can make real calls slower than the scenario's modelled timeouts; they still time out, later.
   */
  readonly callTimeoutMs: number;
}

export interface LiveCallStats {
  /** Port calls made (each an `invoke` in the history). */
  readonly operations: number;
  /** Real calls that took longer than the caller's timeout, without any injected fault. */
  readonly slowCalls: number;
  /** Answers the callers heard as a connection reset (injected). */
  readonly resets: number;
  /** Real time of the calls that reached an engine and came back (injected latency excluded), ms. */
  readonly callMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export class LiveHarness implements PortWrapper {
  private inFlight = 0;
  private ops = 0;
  private slow = 0;
  private resetCount = 0;
  private closed = false;
  private readonly durations: number[] = [];
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    private readonly clock: RealClock,
    private readonly faults: Faults,
    private readonly history: History,
    private readonly options: LiveHarnessOptions,
  ) {}

  /** Calls sent and not yet answered (the crash note's `inFlight`). */
  get pending(): number {
    return this.inFlight;
  }

  stats(): LiveCallStats {
    const d = [...this.durations].sort((a, b) => a - b);
    const at = (q: number) => (d.length === 0 ? 0 : d[Math.min(d.length - 1, Math.floor(q * d.length))]!);
    return { operations: this.ops, slowCalls: this.slow, resets: this.resetCount, callMs: { p50: at(0.5), p99: at(0.99), max: d.length === 0 ? 0 : d[d.length - 1]! } };
  }

  /** After this no call reaches an engine (the run is over; its stores are about to close). */
  close(): void {
    this.closed = true;
  }

  /** Resolves when no call is in flight, or after `boundMs`; true when idle. */
  idle(boundMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.inFlight === 0), boundMs); // live mode: real time
      this.idleWaiters.push(() => {
        clearTimeout(timer); // live mode: real time
        resolve(true);
      });
    });
  }

  wrap<T extends object>(portName: string, target: T, process: ProcessRef, kind: PortKind = "store", methods: readonly string[] = methodsOf(target)): T {
    const wrapped: Record<string, unknown> = {};
    for (const method of methods) {
      const f = `${portName}.${method}`;
      wrapped[method] = (...args: unknown[]) => this.call(process, kind, f, () => (target as Record<string, (...a: unknown[]) => Promise<unknown>>)[method]!(...args), args);
    }
    return wrapped as T;
  }

  private call(process: ProcessRef, kind: PortKind, f: string, invoke: () => Promise<unknown>, args: unknown[]): Promise<unknown> {
    // A dead sender's request never leaves, and a closed run sends nothing: the caller hears nothing, ever.
    if (!process.alive || this.closed) return new Promise(() => undefined);
    const op = this.history.newOp();
    this.ops++;
    this.history.add(this.clock.now(), "invoke", process.name, f, summarize(args.length === 1 ? args[0] : args, 1), op);
    const timeoutMs = kind === "store" ? this.options.storeTimeoutMs : this.options.providerTimeoutMs;
    const site = (name: string) => `${kind}.${name}` as FaultSite;

    return new Promise((resolve, reject) => {
      let settled = false;
      const finish = (type: "ok" | "fail" | "info", value: unknown, outcome: () => void) => {
        if (settled) return;
        settled = true;
        if (!process.alive) return; // the caller died meanwhile: nobody hears the answer
        this.history.add(this.clock.now(), type, process.name, f, type === "ok" ? summarize(value, 0) : value, op);
        outcome();
      };
      const unreachable = (reason: "timeout" | "request-lost" | "connection-reset") =>
        kind === "provider" ? new ProviderUnreachable(reason) : reason === "connection-reset" ? new ConnectionReset(f, "after") : new CallTimeout(f, timeoutMs);
      const giveUp = (reason: "timeout" | "request-lost") =>
        this.clock.setTimeout(() => finish("info", reason, () => reject(unreachable(reason))), timeoutMs);
      /** A lost request or answer on a store connection: silence until the timeout, or (half the time) a reset now. */
      const lose = (when: "before" | "after") => {
        if (kind === "store" && this.faults.int(2) === 0) {
          this.resetCount++;
          return finish("info", `connection-reset-${when}`, () => reject(new ConnectionReset(f, when)));
        }
        giveUp(when === "before" ? "request-lost" : "timeout");
      };

      if (this.faults.fire(site("request-lost"), process.name, f)) return lose("before");
      if (kind === "provider" && this.faults.fire("provider.5xx-before", process.name, f))
        return finish("ok", { status: 503, body: { error: { type: "api_error", message: "service unavailable" } }, replayed: false }, () =>
          resolve({ status: 503, body: { error: { type: "api_error", message: "service unavailable" } }, replayed: false }),
        );

      let delay = 0;
      if (this.faults.fire(site("latency"), process.name, f)) delay = 1 + this.faults.int(timeoutMs * 2);
      const requestDelay = Math.floor(delay / 2);
      // The caller's own timeout, from the moment it sent: the scenario's when a fault delays the call
      // past it, else the live bound for a real answer. Either way it ends as a timeout.
      const injectedTimeout = delay >= timeoutMs;
      const timer = this.clock.setTimeout(() => {
        if (settled) return;
        if (!injectedTimeout) this.slow++;
        finish("info", "timeout", () => reject(unreachable("timeout")));
      }, injectedTimeout ? timeoutMs : Math.max(timeoutMs, this.options.callTimeoutMs));

      const execute = () => {
        if (this.closed) return;
        let pending: Promise<unknown>;
        try {
          pending = invoke();
        } catch (err) {
          pending = Promise.reject(err);
        }
        this.inFlight++;
        const sent = performance.now(); // live mode: real time
        pending
          .then(
            (value) => {
              if (settled) return; // the caller stopped listening; the effect stands
              if (this.faults.fire(site("response-lost"), process.name, f)) {
                this.clock.clearTimeout(timer);
                return lose("after");
              }
              if (kind === "provider") {
                if (this.faults.fire("provider.connection-reset", process.name, f)) {
                  this.clock.clearTimeout(timer);
                  this.resetCount++;
                  return finish("info", "connection-reset", () => reject(new ProviderUnreachable("connection-reset")));
                }
                if (this.faults.fire("provider.5xx-after", process.name, f))
                  value = { status: 500, body: { error: { type: "api_error", message: "internal error after processing" } }, replayed: false };
              }
              const answer = value;
              const deliver = () => {
                this.clock.clearTimeout(timer);
                finish("ok", answer, () => resolve(answer));
              };
              const back = delay - requestDelay; // the faulted latency's way back
              if (back > 0) this.clock.setTimeout(deliver, back);
              else deliver();
            },
            (err: unknown) => {
              this.clock.clearTimeout(timer);
              finish("fail", errorSummary(err), () => reject(err));
            },
          )
          .finally(() => {
            this.durations.push(Math.round(performance.now() - sent)); // live mode: real time
            this.inFlight--;
            if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
          });
      };
      if (requestDelay > 0) this.clock.setTimeout(execute, requestDelay);
      else execute();
    });
  }
}

function errorSummary(err: unknown): unknown {
  if (err && typeof err === "object" && "_tag" in err) return { error: (err as { _tag: string })._tag, message: (err as { message?: string }).message ?? "" };
  return { error: err instanceof Error ? err.message : String(err) };
}

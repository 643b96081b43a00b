// The system under test as the harness runs it: a coordinator process that lives in epochs (a crash
// ends one, memory and all; a restart begins the next and asks the coordinator to resume unfinished
// work), the background jobs the system declares, scheduled as processes of the current epoch, and
// the deps every one of its calls goes through (wrapped stores and provider: scheduled, faulted).
// The harness delivers every submission and webhook as sent and adds no work of its own.
import type { ShippingRule } from "../core/pricing.ts";
import { shippingRuleOf } from "./scenario.ts";
import type { Stores } from "../core/ports/index.ts";
import type { PaymentProvider, WebhookEvent } from "../core/ports/paymentProvider.ts";
import type { CheckoutDeps, CheckoutRequest } from "../core/checkout/deps.ts";
import type { CheckoutCommand } from "../core/ports/checkoutCommands.ts";
import { LedgerPaymentService } from "../adapters/payments/ledgerPaymentService.ts";
import { methodsOf, type ProcessRef } from "./harness.ts";
import type { CheckoutHandleLike, Coordinator, TransitionTaken } from "./coordinator.ts";
import { every, LOCATION, MERCHANT, type RunContext } from "./runContext.ts";

/** Port method lists: the harness wraps exactly these, so adapters may carry other helpers. */
const PROVIDER_METHODS = ["authorize", "capture", "void", "refund", "retrieve", "searchByKey", "searchByReference"] as const;
export const STORE_NAMES = ["catalog", "cart", "inventory", "orders", "payments", "events", "commands"] as const satisfies readonly (keyof Stores)[];

/** How long after a crash the coordinator process is back. */
const RESTART_MS = 500;

export interface SystemOptions {
  readonly coordinator: Coordinator;
  /** The stores as the system sees them (before wrapping). */
  readonly stores: Stores;
  readonly provider: PaymentProvider;
  /** Extra deps a special coordinator reads (the monolith's database); wrapped per process. */
  readonly extras?: (process: ProcessRef) => Record<string, unknown>;
  readonly onTransition?: (t: TransitionTaken, process: string) => void;
  /** Passed to the coordinator as CheckoutDeps.interpreter. */
  readonly interpreter?: "table" | "xstate";
}

export class SystemUnderTest {
  private epoch = 0;
  /** One object per coordinator process lifetime: the reference keys its in-memory state by it. */
  private node: object = { epoch: 0 };
  private readonly live = new Set<CheckoutHandleLike>();
  private readonly methods: Record<keyof Stores, string[]>;
  /** How checkouts ended, as the handles the harness holds reported (evidence, not a verdict). */
  readonly outcomes: Record<string, string> = {};
  private stopped = false;
  /** The merchant's shipping rule, handed to the system as configuration (like the hold time). */
  private readonly shipping: ShippingRule;

  constructor(
    private readonly ctx: RunContext,
    private readonly options: SystemOptions,
  ) {
    this.methods = Object.fromEntries(STORE_NAMES.map((s) => [s, methodsOf(options.stores[s])])) as Record<keyof Stores, string[]>;
    this.shipping = shippingRuleOf(ctx.workload);
  }

  /** Checkout actors the harness started or resumed that have not ended. */
  get liveCheckouts(): number {
    return this.live.size;
  }

  /** A process of the current coordinator epoch: it dies with the next crash. */
  process(name: string): ProcessRef {
    const ofEpoch = this.epoch;
    const system = this;
    return {
      name,
      get alive() {
        return ofEpoch === system.epoch;
      },
    };
  }

  /** The deps one process of the system calls through: every store and provider call is a scheduled, faulted step. */
  depsFor(process: ProcessRef): CheckoutDeps {
    const { harness, clock, timing, mitigations, policy } = this.ctx;
    const stores = Object.fromEntries(STORE_NAMES.map((s) => [s, harness.wrap(s, this.options.stores[s], process, "store", this.methods[s])])) as unknown as Stores;
    const provider = harness.wrap<PaymentProvider>("provider", this.options.provider, process, "provider", PROVIDER_METHODS);
    const payments = new LedgerPaymentService({ ledger: stores.payments, provider, merchantId: MERCHANT, clock });
    // `provider` and the extras are what the monolith baseline reads; the reference ignores them.
    return { stores, payments, clock, merchantId: MERCHANT, location: LOCATION, holdMs: timing.holdMs, shipping: this.shipping, mitigations, policy, node: this.node, provider, ...(this.options.interpreter === undefined ? {} : { interpreter: this.options.interpreter }), ...this.options.extras?.(process) } as CheckoutDeps;
  }

  private runOptions(process: string) {
    const onTransition = this.options.onTransition;
    return { policy: this.ctx.policy, clock: this.ctx.clock, ...(onTransition ? { onTransition: (t: TransitionTaken) => onTransition(t, process) } : {}) };
  }

  /** Watches a handle: its outcome is recorded, and it leaves the live set however it ends. */
  private track(handle: CheckoutHandleLike): CheckoutHandleLike {
    const { clock, history } = this.ctx;
    const ofEpoch = this.epoch;
    this.live.add(handle);
    handle.outcome.then(
      (o) => {
        this.live.delete(handle);
        if (ofEpoch !== this.epoch) return;
        this.outcomes[handle.checkoutId] = o.outcome;
        history.add(clock.now(), "note", `checkout:${handle.checkoutId}`, "outcome", o);
      },
      (e: unknown) => {
        // A checkout that failed outright is not live: it must not hold up quiescence forever.
        this.live.delete(handle);
        if (ofEpoch === this.epoch) history.add(clock.now(), "note", `checkout:${handle.checkoutId}`, "outcome-error", { error: e instanceof Error ? e.message : String(e) });
      },
    );
    return handle;
  }

  /** One buyer click: delivered to the coordinator as sent, whatever else is in flight for that checkout. */
  async submit(request: CheckoutRequest): Promise<CheckoutHandleLike> {
    const submission = request.submission ?? 1;
    const name = `checkout:${request.checkoutId}${submission > 1 ? `#${submission}` : ""}`;
    const ofEpoch = this.epoch;
    const handle = await this.options.coordinator.submit(this.depsFor(this.process(name)), request, this.runOptions(name));
    if (ofEpoch !== this.epoch) {
      handle.stop();
      throw new Error("the coordinator crashed before it answered");
    }
    return this.track(handle);
  }

  /** One webhook delivery, handled by a process of the current epoch (a crash drops it mid-way). */
  handleWebhook(event: WebhookEvent, attempt: number): Promise<unknown> {
    const deps = this.depsFor(this.process(`webhook:${event.id}#${attempt}`));
    return this.options.coordinator.handleWebhook(deps, event, this.ctx.clock);
  }

  /** Starts the jobs the system declares, as processes of the current epoch. */
  startJobs(): void {
    for (const job of this.options.coordinator.jobs ?? []) {
      const p = this.process(`job:${job.name}`);
      const deps = this.depsFor(p);
      every(this.ctx.clock, job.periodMs, () => !this.stopped && p.alive, () => job.run(deps, this.ctx.clock));
    }
  }

  /** The coordinator process dies: live actors stop, in-flight calls are lost, jobs end. It restarts later. */
  crash(): void {
    const { clock, history, scheduler } = this.ctx;
    this.epoch++;
    this.node = { epoch: this.epoch };
    for (const h of this.live) h.stop();
    this.live.clear();
    history.add(clock.now(), "note", "nemesis", "coordinator-crash", { epoch: this.epoch, inFlight: scheduler.pending });
    const ofEpoch = this.epoch;
    clock.setTimeout(() => this.restart(ofEpoch), RESTART_MS); // allowed: the virtual clock
  }

  /** The restart: jobs start again, and the coordinator resumes what its records say is unfinished. */
  private restart(ofEpoch: number): void {
    if (ofEpoch !== this.epoch || this.stopped) return;
    this.startJobs();
    void this.recover(ofEpoch);
  }

  private async recover(ofEpoch: number): Promise<void> {
    const { clock, history } = this.ctx;
    const p = this.process(`recovery#${ofEpoch}`);
    let unfinished: CheckoutCommand[];
    try {
      unfinished = await this.depsFor(p).stores.commands.unfinished();
    } catch {
      if (ofEpoch === this.epoch) clock.setTimeout(() => void this.recover(ofEpoch), RESTART_MS); // allowed (virtual clock): try again later
      return;
    }
    if (unfinished.length === 0) return;
    history.add(clock.now(), "note", p.name, "recover", { checkouts: unfinished.map((c) => c.checkoutId) });
    for (const command of unfinished) {
      if (ofEpoch !== this.epoch) return;
      const name = `checkout:${command.checkoutId}`;
      const handle = await this.options.coordinator.resume(this.depsFor(this.process(name)), command, this.runOptions(name));
      if (ofEpoch !== this.epoch) return handle.stop();
      this.track(handle);
    }
  }

  /** End of the run: no job schedules another round. */
  stop(): void {
    this.stopped = true;
  }
}

// The buyer workload: storefront clients that browse, fill a cart, check out, double click, retry
// after silence, leave at the payment page and come back once the network heals. A buyer calls only
// what a storefront client really calls (catalog reads, cart writes, checkout submission); every
// answer a buyer is told is recorded, and liveness is judged from those answers.
import { BuyerId, CheckoutId, Sku, type ProviderRef } from "../core/ids.ts";
import { money } from "../core/money.ts";
import type { CartLine, Product, Stores } from "../core/ports/index.ts";
import type { CheckoutOutcome, CheckoutRequest } from "../core/checkout/deps.ts";
import type { BuyerAnswer, PriceChange, Submission } from "../core/invariants/world.ts";
import type { PortWrapper } from "./harness.ts";
import { hashString, type SeededRandom } from "./random.ts";
import { CURRENCY, foreverAlive, MERCHANT, sleep, type RunContext } from "./runContext.ts";
import type { SystemUnderTest } from "./system.ts";

/** The store ports a storefront client calls on a buyer's behalf; nothing else is reachable from a buyer. */
export const BUYER_PORTS = {
  catalog: ["search", "getProduct"],
  cart: ["get", "addLine", "setQuantity", "clear"],
} as const satisfies Partial<Record<keyof Stores, readonly string[]>>;

export const WORDS = ["red", "linen", "shirt", "oak", "lamp", "wool", "socks", "steel", "kettle", "blue"] as const;

/** What the buyers saw and did: the run's client-side facts. */
export interface BuyerRecords {
  readonly submissions: Submission[];
  readonly answers: BuyerAnswer[];
  readonly abandoned: string[];
  readonly requestedLines: Map<string, CheckoutRequest["lines"]>;
}

type Answer = { outcome: CheckoutOutcome; reason?: string };

/**
 * The provider's side of the payment page, which the buyer's browser talks to directly (as Stripe.js
 * does): which payments of a checkout wait for the holder's confirmation, and confirming one.
 */
export interface PaymentPage {
  pendingActions(merchant: typeof MERCHANT, reference: string): readonly { readonly id: ProviderRef }[];
  confirmAction(chargeId: ProviderRef): boolean;
}

/** Checkouts one buyer makes at most: a first, a reprice or a start-over, and one more start-over. */
const ROUNDS_MAX = 3;
/** A cart edited from another tab changes within this long after the submission. */
const EDIT_WITHIN_MS = 1500;

/** How often a waiting buyer's page checks for a 3-D Secure prompt, and how long the buyer takes to pass it. */
const ACTION_POLL_MS = 400;
const ACTION_THINK_MS = 700;

export class Buyers {
  readonly records: BuyerRecords = { submissions: [], answers: [], abandoned: [], requestedLines: new Map() };
  private active = 0;

  constructor(
    private readonly ctx: RunContext,
    private readonly system: SystemUnderTest,
    /** The stores as the storefront reaches them (only BUYER_PORTS are wrapped for a buyer). */
    private readonly stores: Stores,
    private readonly skus: readonly Sku[],
    private readonly paymentPage: PaymentPage,
    /** Checkouts whose buyer will leave at the payment page: their card asks for a confirmation that never comes. */
    private readonly leavesAtPaymentPage: Set<string>,
  ) {}

  /** Buyers still browsing, checking out or waiting for an answer. */
  get busy(): number {
    return this.active;
  }

  /** Schedules every buyer's arrival over the workload's window. */
  arrive(): void {
    const { workload, rng, clock } = this.ctx;
    for (let n = 1; n <= workload.buyers; n++) {
      const r = rng.workload.fork(`buyer:${n}`);
      clock.setTimeout(() => void this.buyer(n, r), rng.workload.int(workload.arrivalWindowMs)); // allowed: the virtual clock
    }
  }

  /** A storefront client's view of the stores: the buyer ports only, as scheduled, faulted calls. */
  private storefront(name: string): Pick<Stores, "catalog" | "cart"> {
    const harness: PortWrapper = this.ctx.harness;
    const p = foreverAlive(name);
    return {
      catalog: harness.wrap("catalog", this.stores.catalog, p, "store", BUYER_PORTS.catalog),
      cart: harness.wrap("cart", this.stores.cart, p, "store", BUYER_PORTS.cart),
    };
  }

  /** Buyers retry a failed request a few times, like a browser would, then give up. */
  private async attempt<T>(fn: () => Promise<T>, tries = 3): Promise<T | undefined> {
    for (let i = 0; i < tries; i++) {
      try {
        return await fn();
      } catch {
        await sleep(this.ctx.clock, 100 * (i + 1));
      }
    }
    return undefined;
  }

  private async buyer(n: number, r: SeededRandom): Promise<void> {
    const { workload: w, clock, history, faults } = this.ctx;
    this.active++;
    try {
      const buyerId = BuyerId(`b-${n}`);
      const name = `buyer:${n}`;
      const store = this.storefront(name);
      await this.attempt(() => store.catalog.search(r.pick(WORDS)));
      const lineCount = r.between(1, w.linesMax);
      for (let i = 0; i < lineCount; i++) {
        const sku = r.chance(0.8) ? this.skus[r.int(Math.min(w.hotSkus, this.skus.length))]! : r.pick(this.skus);
        const product = await this.attempt(() => store.catalog.getProduct(sku));
        if (!product) continue;
        const quantity = r.between(1, w.quantityMax);
        await this.attempt(() => store.cart.addLine(buyerId, cartLine(product, quantity)));
      }
      if (r.chance(w.abandonRate)) {
        history.add(clock.now(), "note", name, "abandon-cart");
        return;
      }
      await sleep(clock, r.between(0, 1500)); // the buyer looks at the cart; prices may change meanwhile
      for (let round = 1; round <= ROUNDS_MAX; round++) {
        const cart = await this.attempt(() => store.cart.get(buyerId));
        if (!cart || cart.lines.length === 0) return;
        const checkoutId = CheckoutId(`c-${n}-${round}`);
        // Leaves at the payment page: submits, is asked to confirm the payment with the bank, and never does.
        const leaves = round === 1 && faults.fire("buyer.abandon", name, checkoutId);
        if (leaves) this.leavesAtPaymentPage.add(checkoutId);
        // The same cart checked out from a second tab at the same moment, under its own checkout id.
        if (round === 1 && !leaves && faults.fire("buyer.second-tab", name, checkoutId)) void this.secondTab(name, buyerId, CheckoutId(`${checkoutId}b`), cart.lines);
        const answer = await this.checkout(name, buyerId, checkoutId, cart.lines, leaves);
        if (leaves) return;
        if (answer?.outcome === "confirmed") {
          await this.attempt(() => store.cart.clear(buyerId));
          return;
        }
        const repriced = answer?.reason === "price-changed" && round < 2;
        // Starting over after a failure (or after giving up on an answer), as real shoppers do: the
        // cart is rebuilt at today's prices and checked out under a new id; the first attempt stands
        // or falls on its own answer.
        if (!repriced && !(round < ROUNDS_MAX && answer?.reason !== "price-changed" && faults.fire("buyer.start-over", name, checkoutId))) return;
        if (!repriced) history.add(clock.now(), "note", name, "start-over", { after: checkoutId, answer: answer?.outcome ?? "no-answer" });
        // Reprice: the buyer is shown the new prices, accepts them, and checks out again.
        for (const line of cart.lines) {
          const product = await this.attempt(() => store.catalog.getProduct(line.sku));
          if (product) await this.attempt(() => store.cart.setQuantity(buyerId, line.sku, 0));
          if (product) await this.attempt(() => store.cart.addLine(buyerId, cartLine(product, line.quantity)));
        }
      }
    } finally {
      this.active--;
    }
  }

  /**
   * Submits a checkout and waits for its answer; resubmits under the same id after silence, and once
   * out of patience comes back when the network heals (liveness is judged with faults healed). Every
   * click reaches the system, the double click's copy concurrently with the first.
   */
  private async checkout(process: string, buyerId: BuyerId, checkoutId: CheckoutId, lines: CheckoutRequest["lines"], leaves: boolean): Promise<Answer | undefined> {
    const { workload: w, timing, clock, history, faults, seed } = this.ctx;
    const { submissions, answers, requestedLines } = this.records;
    const waitMs = timing.holdMs * 2;
    const doubleClick = faults.fire("buyer.double-submit", process, checkoutId);
    requestedLines.set(checkoutId, lines);
    const submitted = lines.map((l) => ({ sku: l.sku as string, quantity: l.quantity }));
    // Decided by hash, not by the PRNG, so a workload without backorders draws exactly as before.
    const acceptsBackorder = w.backorderRate > 0 && hashString(`${seed}:backorder:${checkoutId}`) / 4294967296 < w.backorderRate;
    const tell = (submission: number, result: Answer | undefined) => {
      const at = clock.now();
      answers.push({ checkoutId, buyerId, submission, at, answer: result?.outcome ?? "no-answer", ...(result?.reason !== undefined ? { reason: result.reason } : {}) });
    };
    let result: Answer | undefined;
    for (let submission = 1; !result; submission++) {
      if (submission > 1 + w.buyerRetries) {
        if (submission > 1 + w.buyerRetries + 5) break;
        while (faults.active) await sleep(clock, 1000);
      }
      const request: CheckoutRequest = { checkoutId, buyerId, currency: CURRENCY, lines, submission, ...(acceptsBackorder ? { allowBackorder: true } : {}) };
      submissions.push({ checkoutId, buyerId, at: clock.now(), submission, lines: submitted });
      const op = history.newOp();
      history.add(clock.now(), "invoke", process, "checkout", { checkoutId, submission }, op);
      const pending = this.system.submit(request).then((h) => h.outcome);
      if (submission === 1 && !leaves && faults.fire("buyer.edit-during-checkout", process, checkoutId)) void this.editFromAnotherTab(process, buyerId, lines);
      if (doubleClick && submission === 1) {
        const again: CheckoutRequest = { ...request, submission: 2 };
        submissions.push({ checkoutId, buyerId, at: clock.now(), submission: 2, lines: submitted });
        // The page sends the second click; the buyer reads the answer of the first.
        history.add(clock.now(), "invoke", process, "checkout", { checkoutId, submission: 2 }, history.newOp());
        void this.system.submit(again).then((h) => h.outcome).catch(() => undefined);
        submission++;
      }
      if (leaves) {
        pending.catch(() => undefined);
        this.records.abandoned.push(checkoutId);
        history.add(clock.now(), "note", process, "abandon-checkout", { checkoutId });
        return undefined;
      }
      let answered = false;
      // Only cards drawn for 3-D Secure ever prompt a waiting buyer; without them the page need not look.
      if (w.paymentActionRate > 0) void this.passPaymentPrompts(process, checkoutId, () => answered);
      result = await withTimeout(clock, pending.catch(() => undefined), waitMs);
      answered = true;
      history.add(clock.now(), result ? "ok" : "info", process, "checkout", { checkoutId, ...(result ?? { outcome: "no answer" }) }, op);
      tell(submission, result);
    }
    return result;
  }

  /** The same cart, checked out from a second tab: its own checkout id, its own answer. */
  private async secondTab(process: string, buyerId: BuyerId, checkoutId: CheckoutId, lines: CheckoutRequest["lines"]): Promise<void> {
    this.active++;
    try {
      this.ctx.history.add(this.ctx.clock.now(), "note", process, "second-tab", { checkoutId });
      await this.checkout(`${process}:tab`, buyerId, checkoutId, lines, false);
    } finally {
      this.active--;
    }
  }

  /**
   * While the checkout runs, the buyer changes the cart in another tab: one more unit of a line, or
   * a line of another product. The checkout must go on with what was submitted (priced and paid).
   */
  private async editFromAnotherTab(process: string, buyerId: BuyerId, lines: CheckoutRequest["lines"]): Promise<void> {
    const { clock, history, faults } = this.ctx;
    this.active++;
    try {
      const store = this.storefront(`${process}:tab`);
      await sleep(clock, faults.int(EDIT_WITHIN_MS));
      const first = lines[0];
      const other = this.skus.find((s) => !lines.some((l) => l.sku === s));
      if (faults.int(2) === 0 && first !== undefined) {
        await this.attempt(() => store.cart.setQuantity(buyerId, first.sku, first.quantity + 1));
        history.add(clock.now(), "note", process, "edit-cart", { sku: first.sku, quantity: first.quantity + 1 });
      } else if (other !== undefined) {
        const product = await this.attempt(() => store.catalog.getProduct(other));
        if (product) await this.attempt(() => store.cart.addLine(buyerId, cartLine(product, 1)));
        history.add(clock.now(), "note", process, "edit-cart", { sku: other, quantity: 1 });
      }
    } finally {
      this.active--;
    }
  }

  /** While the buyer waits, their page shows any 3-D Secure prompt for this checkout and they pass it. */
  private async passPaymentPrompts(process: string, checkoutId: CheckoutId, answered: () => boolean): Promise<void> {
    const { clock, history } = this.ctx;
    while (!answered()) {
      await sleep(clock, ACTION_POLL_MS);
      for (const charge of this.paymentPage.pendingActions(MERCHANT, checkoutId)) {
        await sleep(clock, ACTION_THINK_MS);
        if (answered()) return;
        if (this.paymentPage.confirmAction(charge.id)) history.add(clock.now(), "note", process, "confirm-payment", { checkoutId, chargeId: charge.id });
      }
    }
  }
}

const withTimeout = <T>(clock: RunContext["clock"], p: Promise<T>, ms: number) => Promise.race([p, sleep(clock, ms).then(() => undefined)]);

/** The merchant's admin changes a hot SKU's price now and then: prices move between cart and checkout. */
export async function adminPriceChange(ctx: RunContext, stores: Pick<Stores, "catalog">, skus: readonly Sku[], priceChanges: PriceChange[]): Promise<void> {
  const { rng, workload: w, clock } = ctx;
  const sku = skus[rng.workload.int(Math.min(w.hotSkus + 1, skus.length))]!;
  const current = await stores.catalog.getProduct(sku);
  if (!current) return;
  const price = money(current.price.amount + 100 * rng.workload.between(1, 5), CURRENCY);
  const updated = await stores.catalog.setPrice(sku, price);
  priceChanges.push({ sku, version: updated.priceVersion, price, at: clock.now() });
}

/** A cart line as the storefront adds it: the product's price and tax rate as it shows them now (snapshots). */
const cartLine = (product: Product, quantity: number): CartLine => ({
  sku: product.sku,
  quantity,
  priceSnapshot: product.price,
  priceVersion: product.priceVersion,
  ...(product.taxRateBps === undefined ? {} : { taxRateBps: product.taxRateBps }),
});

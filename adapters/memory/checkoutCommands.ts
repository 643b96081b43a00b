// Checkout command records in memory: the simulation default. Frozen records replaced on save, and
// the set of running checkouts kept apart so recovery does not scan finished ones.
import type { Clock } from "../../core/clock.ts";
import { NotFound } from "../../core/errors.ts";
import type { BuyerId, CheckoutId } from "../../core/ids.ts";
import type { CheckoutCommand, CheckoutCommandStore, CommandStatus, SubmitResult } from "../../core/ports/checkoutCommands.ts";
import { requireKey } from "../../core/validate.ts";
import { saveInput, submitInput } from "../shared/commandInput.ts";

export class MemoryCheckoutCommands implements CheckoutCommandStore {
  private readonly clock: Clock;
  /** Insertion order is creation order. */
  private readonly commands = new Map<string, CheckoutCommand>();
  private readonly order = new Map<string, number>();
  private readonly running = new Set<string>();

  constructor(options: { clock: Clock }) {
    this.clock = options.clock;
  }

  async submit(input: { checkoutId: CheckoutId; buyerId: BuyerId; requestHash: string; request: string }): Promise<SubmitResult> {
    const s = submitInput(input);
    const existing = this.commands.get(s.checkoutId);
    if (existing) return { status: existing.requestHash === s.requestHash ? "existing" : "conflict", command: existing };
    const now = this.clock.now();
    const command: CheckoutCommand = Object.freeze({ ...s, status: "running", snapshot: null, createdAt: now, updatedAt: now });
    this.order.set(s.checkoutId, this.commands.size);
    this.commands.set(s.checkoutId, command);
    this.running.add(s.checkoutId);
    return { status: "created", command };
  }

  async save(checkoutId: CheckoutId, update: { status: CommandStatus; snapshot: string | null }): Promise<CheckoutCommand> {
    const id = requireKey(checkoutId, "checkoutId");
    const u = saveInput(update);
    const existing = this.commands.get(id);
    if (!existing) throw new NotFound({ entity: "checkout", id, message: `no checkout command ${id}` });
    const command: CheckoutCommand = Object.freeze({ ...existing, status: u.status, snapshot: u.snapshot, updatedAt: this.clock.now() });
    this.commands.set(id, command);
    if (u.status === "running") this.running.add(id);
    else this.running.delete(id);
    return command;
  }

  async get(checkoutId: CheckoutId): Promise<CheckoutCommand | undefined> {
    return this.commands.get(checkoutId);
  }

  async unfinished(): Promise<CheckoutCommand[]> {
    return [...this.running].sort((a, b) => this.order.get(a)! - this.order.get(b)!).map((id) => this.commands.get(id)!);
  }

  async all(): Promise<CheckoutCommand[]> {
    return [...this.commands.values()];
  }
}

// A counterexample a person reads in one screen: the history is folded into operations (invoke joined
// with its ok/fail/info), then sliced to the operations that read or wrote the entities the violation
// names, the operations of other processes that interleaved with them on those entities, and the
// faults that hit them. Each step is one line in plain words. Generic over history entries: it reads
// entry types, op ids, port method names and values, never a fixed list of process names.
import type { InvariantName, Violation } from "../core/invariants/verdict.ts";
import type { EntryType, HistoryEntry } from "./history.ts";
import { FAULT_SITES } from "./faults.ts";

/** One operation of a process: an invoke and its completion, or a fault, or a note. */
export interface Operation {
  /** History index of the first entry (invoke, fault or note). */
  readonly start: number;
  /** History index of the completion; absent for faults, notes and operations that never completed. */
  readonly end?: number;
  readonly t: number;
  /** Virtual ms of the completion. */
  readonly tEnd?: number;
  readonly process: string;
  /** `inventory.level`, `checkout`, a fault site, a note name. */
  readonly f: string;
  readonly kind: "op" | "fault" | "note";
  /** How it ended: ok, fail, info (unknown), or pending (no completion in the history). */
  readonly outcome?: Exclude<EntryType, "invoke" | "fault" | "sched" | "phase" | "note"> | "pending";
  readonly args?: unknown;
  readonly result?: unknown;
  /** Fault sites that hit this operation. */
  readonly faults: string[];
  /** For a fault: the index of the operation it hit, when it hit one. */
  readonly hit?: number;
}

/** One line of the sliced counterexample, as `replay --json` gives it. */
export interface Step {
  /** Virtual ms. */
  readonly t: number;
  readonly process: string;
  readonly op: string;
  /** Arguments and outcome in plain words. */
  readonly detail: string;
  /** The fault site(s) that hit this step, or the fault this step is. */
  readonly fault?: string;
  /** History index of the step's first entry (the timeline links to it). */
  readonly index: number;
}

export interface Slice {
  readonly violation: Violation | undefined;
  /** The ids the slice follows (the violation's entities and the checkouts they belong to). */
  readonly entities: readonly string[];
  /** Every operation of the run, in history order. */
  readonly operations: readonly Operation[];
  /** Start indexes of the operations in the slice. */
  readonly picked: ReadonlySet<number>;
  readonly steps: readonly Step[];
}

/**
 * Reads and bookkeeping that are true but rarely the story (snapshot saves, polls, scans), and
 * browsing. Named by port method, which is the ports' API, not the harness's process layout.
 */
const NOISE = new Set([
  "commands.save",
  "commands.unfinished",
  "commands.all",
  "commands.get",
  "orders.events",
  "orders.pendingOutbox",
  "orders.findByCheckout",
  "payments.get",
  "payments.begin",
  "payments.record",
  "payments.needingReconciliation",
  "inventory.get",
  "inventory.findByCheckout",
  "catalog.getProducts",
  "catalog.getProduct",
  "catalog.search",
  "events.commitOffset",
]);
const BROWSING = /^cart\./;
const SITES: ReadonlySet<string> = new Set(FAULT_SITES);

/** Folds history entries into operations: invoke + completion by op id (or by process and name when an entry has none). */
export function operations(entries: readonly HistoryEntry[]): Operation[] {
  type Mutable = { -readonly [K in keyof Operation]: Operation[K] };
  const out: Mutable[] = [];
  const byOp = new Map<number, Mutable>();
  const byName = new Map<string, Mutable[]>();
  const open: Mutable[] = [];
  for (const e of entries) {
    if (e.type === "invoke") {
      const o: Mutable = { start: e.index, t: e.time, process: e.process, f: e.f, kind: "op", outcome: "pending", args: e.value, faults: [] };
      out.push(o);
      open.push(o);
      if (e.op !== undefined) byOp.set(e.op, o);
      else byName.set(`${e.process} ${e.f}`, [...(byName.get(`${e.process} ${e.f}`) ?? []), o]);
    } else if (e.type === "ok" || e.type === "fail" || e.type === "info") {
      const o = e.op !== undefined ? byOp.get(e.op) : byName.get(`${e.process} ${e.f}`)?.shift();
      if (!o || o.end !== undefined) continue;
      o.end = e.index;
      o.tEnd = e.time;
      o.outcome = e.type;
      o.result = e.value;
      open.splice(open.indexOf(o), 1);
    } else if (e.type === "fault" && SITES.has(e.f)) {
      // A fault hits the latest open operation of its process named in its detail (the harness passes the port method).
      let hit: Mutable | undefined;
      for (let i = open.length - 1; i >= 0; i--) {
        const o = open[i]!;
        if (o.process === e.process && (e.value === o.f || (e.value === undefined && o.kind === "op"))) {
          hit = o;
          break;
        }
      }
      if (hit && e.value === hit.f) hit.faults.push(e.f);
      out.push({ start: e.index, t: e.time, process: e.process, f: e.f, kind: "fault", args: e.value, faults: [e.f], ...(hit && e.value === hit.f ? { hit: hit.start } : {}) });
    } else if (e.type === "note") {
      out.push({ start: e.index, t: e.time, process: e.process, f: e.f, kind: "note", args: e.value, faults: [] });
    }
  }
  return out;
}

/**
 * The ids a violation names, split by how the slice follows them. `named`: resources (a SKU, an order,
 * a charge, an event, a reservation) followed into every read and write. `checkouts`: a checkout the
 * violation names, followed into everything it wrote. `owners`: the checkouts the named ids belong to
 * (`c-1-1:order` belongs to `c-1-1`), followed only where another process acted on them, a fault hit
 * them, an answer was lost or failed, or they ended.
 */
export function entitiesOf(violation: Violation | undefined): { named: string[]; checkouts: string[]; owners: string[] } {
  if (!violation) return { named: [], checkouts: [], owners: [] };
  const ids = (keys: (k: string) => boolean) =>
    Object.entries(violation.entities)
      .filter(([k]) => keys(k))
      .flatMap(([, v]) => v.split(","))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
  // A location is shared by every stock operation: following it would keep them all.
  const named = [...new Set(ids((k) => k !== "location" && k !== "checkout"))];
  const checkouts = [...new Set(ids((k) => k === "checkout"))];
  const owners = [...new Set(named.map((v) => v.split(/[:~#]/)[0]!))].filter((r) => r.length > 0 && !named.includes(r) && !checkouts.includes(r));
  return { named, checkouts, owners };
}

const ID_CHAR = /[A-Za-z0-9_-]/;

/**
 * Whole-id match. Exact: `c-1-1:order` is in `["c-1-1:order",1]`, not in `c-1-1:order:OrderCreated`.
 * As an owner, the id or one level below it: `c-1-1` is in `c-1-1:order` and `checkout:c-1-1~2`, not
 * in `c-1-10`, nor in an event of its order (`c-1-1:order:OrderCreated`: derived, followed only when named).
 */
function mentions(text: string, id: string, owner: boolean): boolean {
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    if (ID_CHAR.test(at === 0 ? "" : text[at - 1]!)) continue;
    const rest = /^[A-Za-z0-9_~#:-]*/.exec(text.slice(at + id.length))![0];
    if (ID_CHAR.test(rest[0] ?? "")) continue;
    const depth = rest.split(":").length - 1;
    if (owner ? depth <= 1 : depth === 0 || !/^:[A-Za-z0-9_]/.test(rest)) return true;
  }
  return false;
}

/**
 * The ports whose operations tell each invariant's story (a checkout also reserves, charges and
 * publishes; an oversell is told by stock reads and the orders sold). On those ports, faulted, failed
 * and unanswered operations of a followed checkout are kept, bookkeeping included.
 */
export const STORY_PORTS: Readonly<Record<InvariantName, readonly string[]>> = {
  "no-oversell": ["inventory", "orders", "db"],
  "paid-orders-have-stock": ["inventory", "orders", "provider", "db"],
  "no-double-charge": ["provider", "payments", "db"],
  "one-order-per-checkout": ["commands", "orders", "db"],
  "no-orphan-payment": ["provider", "payments", "db"],
  // The authorization, the step that failed, and the answer without a void.
  "no-charge-on-failure": ["provider", "payments", "inventory", "commands"],
  "no-leaked-reservation": ["inventory"],
  "events-published": ["orders", "events"],
  "effects-once": ["events"],
  "catalog-price": ["catalog", "orders", "db"],
  "ledger-append-only": ["orders"],
  liveness: ["commands", "inventory", "orders", "provider", "payments", "events", "catalog", "db"],
  "answer-matches-ledger": ["orders", "provider", "payments", "inventory", "commands", "db"],
  "sold-orders-keep-their-money": ["provider", "orders"],
  "effects-at-least-once": ["events", "orders"],
  "one-completion-per-order": ["orders", "events", "db"],
  "prompt-release": ["inventory", "commands", "db"],
  "webhooks-acknowledged": ["orders", "payments", "provider", "commands"],
  "stock-conserved": ["inventory", "orders", "db"],
  "money-reconciles": ["provider", "payments", "orders", "db"],
  "events-are-facts": ["orders", "events"],
};

/** Slices a run to the steps that tell the story of `invariant`'s first violation. */
export function slice(result: { readonly violations: readonly Violation[]; readonly history: { readonly entries: readonly HistoryEntry[] } }, invariant: InvariantName): Slice {
  const violation = pickViolation(result.violations, invariant);
  const ops = operations(result.history.entries);
  const entities = entitiesOf(violation);
  let picked = pick(ops, entities, invariant);
  // Nothing in the history names the violation's ids (a stock level by SKU, say): follow the ids the
  // faults that fired name instead (the abandoned checkout whose hold leaked).
  if (![...picked].some((i) => ops.find((o) => o.start === i)?.kind !== "fault")) {
    const fromFaults = ops.filter((o) => o.kind === "fault" && typeof o.args === "string" && o.hit === undefined).map((o) => o.args as string);
    if (fromFaults.length > 0) {
      entities.owners.push(...fromFaults.filter((id) => !entities.owners.includes(id)));
      picked = pick(ops, entities, invariant);
    }
  }
  // A fault that hit a shown step is told on that step's line.
  const shown = ops.filter((o) => picked.has(o.start) && !(o.kind === "fault" && o.hit !== undefined && picked.has(o.hit)));
  // Reads after the story's last write or note explain no decision in it (the stores are judged as they
  // end): a job looking the charge up again after the void adds lines, not cause.
  while (shown.length > 0 && shown.at(-1)!.kind === "op" && shown.at(-1)!.f.includes(".") && isRead(shown.at(-1)!.f)) {
    const read = shown.pop()!.start;
    picked.delete(read);
    for (const o of ops) if (o.kind === "fault" && o.hit === read) picked.delete(o.start);
  }
  const steps = merge(shown.map(toStep));
  return { violation, entities: [...entities.named, ...entities.checkouts, ...entities.owners], operations: ops, picked, steps };
}

function pick(ops: readonly Operation[], { named, checkouts, owners }: ReturnType<typeof entitiesOf>, invariant: InvariantName): Set<number> {
  const data = (o: Operation) => `${JSON.stringify(o.args ?? null)} ${JSON.stringify(o.result ?? null)}`;
  const touchesNamed = (o: Operation) => named.some((id) => mentions(data(o), id, false));
  /** A read tells the story when what it returned names the entity (an empty poll does not). */
  const readNamed = (o: Operation) => named.some((id) => mentions(JSON.stringify(o.result ?? null), id, false));
  /** A followed checkout it belongs to. */
  const ownerOf = (o: Operation, ids: readonly string[]) => ids.find((id) => mentions(`${o.process} ${data(o)}`, id, true));
  const ownOp = (o: Operation, id: string) => mentions(o.process, id, true);
  const ports = STORY_PORTS[invariant];
  /** Buyer-level operations (no port: `checkout`) and the invariant's ports. */
  const onStory = (o: Operation) => !o.f.includes(".") || ports.includes(o.f.split(".")[0]!);
  const quiet = (o: Operation) => NOISE.has(o.f) || BROWSING.test(o.f);
  const troubled = (o: Operation) => o.faults.length > 0 || o.outcome === "fail" || o.outcome === "info" || o.outcome === "pending";

  const picked = new Set<number>();
  for (const o of ops) {
    if (o.kind === "fault") continue; // decided below, by what they hit
    if (o.kind === "note" && o.f !== "outcome" && o.f !== "abandon-cart") continue;
    const checkout = ownerOf(o, checkouts);
    const owner = ownerOf(o, owners);
    if (!onStory(o)) continue;
    if (troubled(o) && o.kind === "op" && (checkout !== undefined || owner !== undefined || touchesNamed(o))) {
      picked.add(o.start); // trouble on a followed checkout or entity, bookkeeping included
      continue;
    }
    if (quiet(o)) continue;
    if (
      (touchesNamed(o) && (!isRead(o.f) || readNamed(o))) || // a named resource written, or read, by anyone
      (checkout !== undefined && (o.kind === "note" || !isRead(o.f) || !ownOp(o, checkout))) || // what a named checkout wrote, and who else acted on it
      (owner !== undefined && (o.kind === "note" || !ownOp(o, owner))) // an owner: others acting on it, and its end
    )
      picked.add(o.start);
  }
  // Faults: those that hit a picked step, or name a followed id, or hit no particular operation
  // (a crash, a clock jump, a price change: they change what every step sees).
  const followed = [...checkouts, ...owners];
  for (const o of ops) {
    if (o.kind !== "fault") continue;
    if (o.hit !== undefined) {
      if (picked.has(o.hit)) picked.add(o.start);
    } else if (typeof o.args !== "string" || touchesNamed(o) || ownerOf(o, followed) !== undefined || named.some((id) => mentions(o.args as string, id, true))) picked.add(o.start);
  }
  return picked;
}

/**
 * Back-to-back identical operations of one process read as one step: the same write, retried or
 * repeated, and the same call hit by the same fault with the same outcome (lookups lost one after another).
 */
function merge(steps: Step[]): Step[] {
  const out: Step[] = [];
  let times = 1;
  for (const s of steps) {
    const last = out.at(-1);
    const same = last !== undefined && last.process === s.process && last.op === s.op;
    if (same && s.fault === undefined && last.fault === undefined && stem(last.detail) === stem(s.detail)) {
      times++;
      out[out.length - 1] = { ...last, detail: `${stem(last.detail)} (${times} times)`.trim() };
      continue;
    }
    if (same && s.fault !== undefined && last.fault === s.fault && untimed(last.detail) === untimed(s.detail)) {
      times++;
      out[out.length - 1] = { ...last, detail: `${untimed(last.detail)} (${times} times)` };
      continue;
    }
    times = 1;
    out.push(s);
  }
  return out;
}
/** What an operation acted on (its first word), without its arguments' details and result. */
const stem = (detail: string) => detail.split(" ")[0]!.replace(/,$/, "");
/** A step's detail without when its answer came (or did not), and without an earlier merge's count. */
const untimed = (detail: string) => detail.replace(/ \(\d+ times\)$/, "").replace(/ at \d+ms/g, "");

/** The counterexample as numbered lines, ending with the violation; at most `stepsMax` steps. */
export function counterexample(result: Parameters<typeof slice>[0], invariant: InvariantName, stepsMax = 40): string[] {
  const s = slice(result, invariant);
  const lines = s.steps.slice(0, stepsMax).map((step, i) => `${String(i + 1).padStart(2)}. ${formatStep(step)}`);
  if (s.steps.length > stepsMax) lines.push(`    ... ${s.steps.length - stepsMax} more steps (replay with --trace for all)`);
  if (s.violation) lines.push(`=> ${invariant} violated: ${s.violation.message}`);
  return lines;
}

/** `t=1265ms checkout c-2-1: inventory.level sku-1 loc-1 -> sku-1, 6 on hand, 0 held, 0 committed`. */
export function formatStep(s: Step): string {
  return `t=${s.t}ms ${words(s.process)}: ${s.op}${s.detail ? ` ${s.detail}` : ""}${s.fault && s.op !== s.fault ? `  [fault: ${s.fault}]` : ""}`;
}

function toStep(o: Operation): Step {
  const fault = o.faults.length > 0 ? o.faults.join(", ") : undefined;
  if (o.kind === "fault") return { t: o.t, process: o.process, op: o.f, detail: `fault${o.args !== undefined ? ` on ${phrase(o.args)}` : ""}`, fault: o.f, index: o.start };
  if (o.kind === "note") return { t: o.t, process: o.process, op: o.f, detail: phrase(o.args), index: o.start };
  const args = phrase(o.args);
  const outcome =
    o.outcome === "ok" ? (phrase(o.result) ? `-> ${phrase(o.result)}` : "") : o.outcome === "fail" ? `-> failed: ${phrase(o.result)}` : o.outcome === "info" ? `-> no answer (${phrase(o.result)})` : "-> never answered";
  return { t: o.t, process: o.process, op: o.f, detail: `${[args, outcome].filter((x) => x.length > 0).join(" ")}${o.tEnd !== undefined && o.tEnd !== o.t ? ` at ${o.tEnd}ms` : ""}`, ...(fault ? { fault } : {}), index: o.start };
}

/** Port methods that only read: kept when they read a named entity, dropped when only their checkout is named. */
function isRead(f: string): boolean {
  const method = f.split(".").pop() ?? f;
  return /^(get|level|levels|find|search|retrieve|list|events|poll|all|unfinished|pending|needing|searchBy)/.test(method);
}

/** `checkout:c-1-1` -> `checkout c-1-1`. */
const words = (process: string) => process.replace(/:/g, " ");

const LABELS: Record<string, string> = { onHand: "on hand", held: "held", committed: "committed", available: "available", requested: "requested", submission: "submission" };

/** A history value in plain words: ids and statuses as they are, stock numbers with their names. */
export function phrase(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "function") return "";
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return value.map(phrase).filter((s) => s.length > 0).join(" ");
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (k in LABELS) parts.push(`${phrase(v)} ${LABELS[k]}`);
    else if (k === "status" && typeof v === "number") parts.push(`HTTP ${v}`);
    else if (k === "error" || k === "message" || k === "body" || typeof v === "object") parts.push(phrase(v));
    else parts.push(String(v));
  }
  return [...new Set(parts.filter((p) => p.length > 0))].join(", ");
}

/** The violation the slice follows: the invariant's first, the one the run's printout names. */
function pickViolation(violations: readonly Violation[], invariant: InvariantName): Violation | undefined {
  const own = violations.filter((v) => v.invariant === invariant);
  return own[0];
}

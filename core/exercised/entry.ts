// What an exercised condition reads: the run's history entries (simulator/history.ts writes them;
// this is the structural shape, so core imports nothing from the simulator).
export interface ExerciseEntry {
  readonly time: number;
  readonly type: "invoke" | "ok" | "fail" | "info" | "fault" | "sched" | "phase" | "note";
  readonly process: string;
  readonly f: string;
  readonly op?: number;
  readonly value?: unknown;
}

/** A "sometimes" property: it must hold in at least one run of a scenario that declares it. */
export interface ExercisedCondition {
  readonly name: string;
  /** What happened, in plain words, when the condition holds. */
  readonly description: string;
  holds(entries: readonly ExerciseEntry[]): boolean;
}

export const field = (value: unknown, key: string): unknown => (value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined);
export const text = (value: unknown, key: string): string | undefined => {
  const v = field(value, key);
  return typeof v === "string" ? v : undefined;
};

/** One buyer's checkout request as the history shows it: sent at `invokedAt`, answered at `answeredAt`. */
export interface BuyerCall {
  readonly checkoutId: string;
  readonly process: string;
  readonly submission: number;
  readonly invokedAt: number;
  readonly invokeIndex: number;
  /** Position of its answer (ok or info) in the history; undefined when it never came back. */
  readonly answeredIndex?: number;
  readonly answeredAt?: number;
  readonly outcome?: string;
}

/**
 * Every condition reads the same history: the folds below are computed once per history (keyed by
 * the entries array, which a finished run no longer changes) instead of once per condition.
 */
const buyerCallsCache = new WeakMap<readonly ExerciseEntry[], BuyerCall[]>();
const operationsCache = new WeakMap<readonly ExerciseEntry[], Operation[]>();
const byBuyerCache = new WeakMap<readonly ExerciseEntry[], ReadonlyMap<string, readonly BuyerCall[]>>();

/** The buyers' checkout calls grouped by buyer (whatever tab), so pairs are compared within one buyer only. */
export function buyerCallsByBuyer(entries: readonly ExerciseEntry[]): ReadonlyMap<string, readonly BuyerCall[]> {
  let grouped = byBuyerCache.get(entries);
  if (grouped === undefined) {
    const map = new Map<string, BuyerCall[]>();
    for (const c of buyerCalls(entries)) {
      const buyer = buyerOf(c.process);
      const list = map.get(buyer);
      if (list === undefined) map.set(buyer, [c]);
      else list.push(c);
    }
    byBuyerCache.set(entries, (grouped = map));
  }
  return grouped;
}

/** The buyers' checkout calls, paired by op id. */
export function buyerCalls(entries: readonly ExerciseEntry[]): BuyerCall[] {
  let calls = buyerCallsCache.get(entries);
  if (calls === undefined) buyerCallsCache.set(entries, (calls = foldBuyerCalls(entries)));
  return calls;
}

function foldBuyerCalls(entries: readonly ExerciseEntry[]): BuyerCall[] {
  const calls = new Map<number, { -readonly [K in keyof BuyerCall]: BuyerCall[K] }>();
  entries.forEach((e, index) => {
    if (e.f !== "checkout" || !e.process.startsWith("buyer:") || e.op === undefined) return;
    if (e.type === "invoke") {
      const checkoutId = text(e.value, "checkoutId");
      const submission = field(e.value, "submission");
      if (checkoutId !== undefined) calls.set(e.op, { checkoutId, process: e.process, submission: typeof submission === "number" ? submission : 1, invokedAt: e.time, invokeIndex: index });
    } else if (e.type === "ok" || e.type === "info") {
      const call = calls.get(e.op);
      if (call === undefined) return;
      call.answeredIndex = index;
      call.answeredAt = e.time;
      const outcome = text(e.value, "outcome");
      if (outcome !== undefined) call.outcome = outcome;
    }
  });
  return [...calls.values()];
}

/** The checkout id a system process works for (`checkout:c-1-1#2` -> `c-1-1`), if it is one. */
export function checkoutOfProcess(process: string): string | undefined {
  if (!process.startsWith("checkout:")) return undefined;
  const id = process.slice("checkout:".length);
  const hash = id.indexOf("#");
  return hash < 0 ? id : id.slice(0, hash);
}

/** Completed operations (invoke paired with its ok/fail/info by op id), in invoke order. */
export interface Operation {
  readonly process: string;
  readonly f: string;
  readonly invokeIndex: number;
  readonly invokedAt: number;
  readonly args: unknown;
  readonly end?: "ok" | "fail" | "info";
  readonly endIndex?: number;
  readonly result?: unknown;
}

export function operations(entries: readonly ExerciseEntry[], f?: (name: string) => boolean): Operation[] {
  let all = operationsCache.get(entries);
  if (all === undefined) operationsCache.set(entries, (all = foldOperations(entries)));
  return f === undefined ? all : all.filter((o) => f(o.f));
}

function foldOperations(entries: readonly ExerciseEntry[]): Operation[] {
  const byOp = new Map<number, { -readonly [K in keyof Operation]: Operation[K] }>();
  const out: { -readonly [K in keyof Operation]: Operation[K] }[] = [];
  entries.forEach((e, index) => {
    if (e.op === undefined) return;
    if (e.type === "invoke") {
      const o = { process: e.process, f: e.f, invokeIndex: index, invokedAt: e.time, args: e.value };
      byOp.set(e.op, o);
      out.push(o);
    } else if (e.type === "ok" || e.type === "fail" || e.type === "info") {
      const o = byOp.get(e.op);
      if (o === undefined || o.end !== undefined) return;
      o.end = e.type;
      o.endIndex = index;
      o.result = e.value;
    }
  });
  return out;
}

/** The buyer behind a buyer process, whatever tab it acts from (`buyer:3:tab` -> `buyer:3`). */
export const buyerOf = (process: string): string => process.split(":").slice(0, 2).join(":");

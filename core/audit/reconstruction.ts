// The reconstruction audit (the article's third failure mode): can an order's full history (each
// status it went through, each payment, capture, void and refund, and when) be told from what the
// system stored? The run's own record says what happened; the stored facts are replayed against it.
// A step is reconstructed when a stored fact says the same thing and pins a time the step could have
// had. Pure: the caller extracts steps (from the provider's ledger and the run's records) and facts
// (from the stores), per architecture.

/** Something that happened to an order, and when: `at` within [from, to] (equal when exact). */
export interface AuditStep {
  /** What happened, in the words both sides use, e.g. `OrderConfirmed`, `status:paid`, `charge.captured ch_3 2500`. */
  readonly what: string;
  readonly from: number;
  readonly to: number;
}

/** Something the stores say happened: `from`/`to` bracket its time, or are null when no time was stored. */
export interface StoredFact {
  readonly what: string;
  readonly from: number | null;
  readonly to: number | null;
}

export type MissingReason = "not stored" | "stored without its time" | "stored with another time";

export interface OrderAudit {
  readonly orderId: string;
  readonly checkoutId: string;
  readonly steps: number;
  readonly reconstructed: number;
  /** Steps the stored facts cannot tell, with why. */
  readonly missing: readonly { readonly what: string; readonly at: number; readonly why: MissingReason }[];
}

export interface AuditSummary {
  readonly orders: number;
  /** Orders whose every step was reconstructed. */
  readonly passed: number;
  readonly failed: number;
  readonly steps: number;
  readonly missingSteps: number;
  /** Missing steps by reason. */
  readonly why: Readonly<Partial<Record<MissingReason, number>>>;
}

const overlaps = (s: AuditStep, f: StoredFact) => f.from !== null && f.to !== null && f.from <= s.to && s.from <= f.to;

/** Each stored fact accounts for at most one step; steps are matched in time order. */
export function auditOrder(orderId: string, checkoutId: string, steps: readonly AuditStep[], facts: readonly StoredFact[]): OrderAudit {
  const unused = [...facts];
  const missing: { what: string; at: number; why: MissingReason }[] = [];
  for (const step of [...steps].sort((a, b) => a.from - b.from || (a.what < b.what ? -1 : a.what > b.what ? 1 : 0))) {
    const i = unused.findIndex((f) => f.what === step.what && overlaps(step, f));
    if (i >= 0) {
      unused.splice(i, 1);
      continue;
    }
    const same = unused.filter((f) => f.what === step.what);
    const why: MissingReason = same.length === 0 ? "not stored" : same.some((f) => f.from !== null) ? "stored with another time" : "stored without its time";
    missing.push({ what: step.what, at: step.from, why });
  }
  return { orderId, checkoutId, steps: steps.length, reconstructed: steps.length - missing.length, missing };
}

export function summarizeAudits(audits: readonly OrderAudit[]): AuditSummary {
  const why: Partial<Record<MissingReason, number>> = {};
  for (const a of audits) for (const m of a.missing) why[m.why] = (why[m.why] ?? 0) + 1;
  const passed = audits.filter((a) => a.missing.length === 0).length;
  return {
    orders: audits.length,
    passed,
    failed: audits.length - passed,
    steps: audits.reduce((n, a) => n + a.steps, 0),
    missingSteps: audits.reduce((n, a) => n + a.missing.length, 0),
    why,
  };
}

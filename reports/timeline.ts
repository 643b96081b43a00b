// A Jepsen-style timeline as inline SVG: one lane per process, each operation a bar from its invoke to
// its ok/fail/info, faults as markers, the violating entity's operations highlighted, hover text with
// the step in plain words. The axis is history order (what happened before what), labelled with
// virtual time, because most operations complete within the same virtual millisecond.
import { formatStep, type Operation, type Step } from "../simulator/counterexample.ts";
import { esc } from "./escape.ts";

export interface TimelineConstraints {
  /** Lanes drawn at most (lanes with highlighted operations come first). Default 18. */
  readonly lanesMax?: number;
  /** History entries of context before the first and after the last highlighted operation. Default 30. */
  readonly contextEntries?: number;
}


const LANE_H = 22;
const LABEL_W = 170;
const AXIS_H = 26;

/** Background reads and polls: drawn only when highlighted, so lanes show what acted. */
const QUIET = /\.(save|events|pendingOutbox|poll|commitOffset|unfinished|all|needingReconciliation|get|getProducts|getProduct|search|findByCheckout)$/;

export function renderTimeline(operations: readonly Operation[], picked: ReadonlySet<number>, steps: readonly Step[], o: TimelineConstraints = {}): string {
  const lanesMax = o.lanesMax ?? 18;
  const context = o.contextEntries ?? 30;
  const highlighted = operations.filter((op) => picked.has(op.start));
  if (highlighted.length === 0) return `<p class="muted">No operations to draw.</p>`;
  const endOf = (op: Operation) => op.end ?? op.start;
  const from = Math.max(0, Math.min(...highlighted.map((op) => op.start)) - context);
  const to = Math.max(...highlighted.map(endOf)) + context;
  const shown = operations.filter((op) => endOf(op) >= from && op.start <= to && (picked.has(op.start) || (op.kind !== "note" && !QUIET.test(op.f))));

  // Lanes: processes with highlighted operations first (in order of first appearance), then the rest.
  const order: string[] = [];
  for (const op of [...shown.filter((x) => picked.has(x.start)), ...shown]) if (!order.includes(op.process)) order.push(op.process);
  const lanes = order.slice(0, lanesMax);
  const drawn = shown.filter((op) => lanes.includes(op.process));

  // The axis: the history positions where something drawn starts or ends, compressed to ranks.
  const marks = [...new Set(drawn.flatMap((op) => [op.start, endOf(op)]))].sort((a, b) => a - b);
  const rank = new Map(marks.map((m, i) => [m, i]));
  const step = Math.max(6, Math.min(18, Math.floor(1100 / Math.max(1, marks.length))));
  const x = (index: number) => LABEL_W + 10 + (rank.get(index) ?? 0) * step;
  const width = x(marks.at(-1) ?? 0) + 40;
  const height = AXIS_H + lanes.length * LANE_H + 10;
  const timeAt = new Map<number, number>();
  for (const op of drawn) {
    timeAt.set(op.start, op.t);
    if (op.end !== undefined) timeAt.set(op.end, op.tEnd ?? op.t);
  }

  const text = new Map(steps.map((s) => [s.index, formatStep(s)]));
  const out: string[] = [];
  out.push(`<svg class="timeline" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="timeline: one lane per process">`);
  // Time ticks, where virtual time changes, spaced so labels never overlap.
  let lastTickX = -Infinity;
  let lastTime = -1;
  for (const m of marks) {
    const t = timeAt.get(m) ?? 0;
    if (t === lastTime || x(m) - lastTickX < 64) continue;
    lastTime = t;
    lastTickX = x(m);
    out.push(`<line x1="${x(m)}" y1="${AXIS_H - 6}" x2="${x(m)}" y2="${height - 6}" class="tick"/><text x="${x(m) + 2}" y="${AXIS_H - 10}" class="ticklabel">${t} ms</text>`);
  }
  lanes.forEach((lane, i) => {
    const y = AXIS_H + i * LANE_H;
    out.push(`<rect x="0" y="${y}" width="${width}" height="${LANE_H}" class="${i % 2 ? "lane odd" : "lane"}"/><text x="6" y="${y + 15}" class="lanelabel">${esc(lane.length > 24 ? `${lane.slice(0, 23)}…` : lane)}</text>`);
  });
  for (const op of drawn) {
    const y = AXIS_H + lanes.indexOf(op.process) * LANE_H;
    const hot = picked.has(op.start);
    const title = esc(text.get(op.start) ?? describe(op));
    if (op.kind === "fault") {
      const cx = x(op.start);
      out.push(`<g class="fault${hot ? " hot" : ""}"><title>${title}</title><path d="M${cx} ${y + 3} L${cx + 7} ${y + 11} L${cx} ${y + 19} L${cx - 7} ${y + 11} Z"/></g>`);
      continue;
    }
    if (op.kind === "note") {
      out.push(`<g class="note${hot ? " hot" : ""}"><title>${title}</title><circle cx="${x(op.start)}" cy="${y + 11}" r="5"/></g>`);
      continue;
    }
    const x1 = x(op.start);
    const x2 = Math.max(x1 + 5, x(endOf(op)));
    out.push(`<g class="op ${op.outcome ?? "pending"}${hot ? " hot" : ""}"><title>${title}</title><rect x="${x1 - 2}" y="${y + 5}" width="${x2 - x1 + 4}" height="${LANE_H - 10}" rx="3"/></g>`);
  }
  out.push(`</svg>`);
  const hidden = order.length - lanes.length;
  return `<div class="timeline-wrap">${out.join("")}</div>${hidden > 0 ? `<p class="muted">${hidden} more processes acted in this window; not drawn.</p>` : ""}`;
}

function describe(op: Operation): string {
  const outcome = op.outcome === "ok" ? "ok" : op.outcome === "fail" ? "failed" : op.outcome === "info" ? "no answer" : op.kind === "op" ? "never answered" : "";
  return `t=${op.t}ms ${op.process}: ${op.f}${outcome ? ` -> ${outcome}` : ""}${op.faults.length ? ` [fault: ${op.faults.join(", ")}]` : ""}`;
}

// The checkout statechart as inline SVG, drawn from the same machine definition the coordinator runs
// (core/checkout via describeMachine), with the transitions a run took and one checkout's path
// highlighted. No Mermaid, no layout library: states are laid out in columns by distance from the
// initial state, final states last.
import { describeMachine, type MachineDescription } from "../core/checkout/describe.ts";
import { createCheckoutMachine } from "../core/checkout/machine.ts";
import { POLICIES, type ReservationPolicy } from "../core/checkout/deps.ts";
import { esc } from "./escape.ts";

const cache = new Map<string, MachineDescription>();

/** The machine description for a policy, or undefined for names that are not ours (a team's machine, the monolith). */
export function machineFor(policy: string): MachineDescription | undefined {
  if (!(POLICIES as readonly string[]).includes(policy)) return undefined;
  let d = cache.get(policy);
  if (!d) {
    d = describeMachine(createCheckoutMachine(policy as ReservationPolicy), policy);
    cache.set(policy, d);
  }
  return d;
}

/** `machine: from --EVENT--> to` (coverage keys) -> its parts. */
export function parseTransitionKey(key: string): { machine: string; from: string; event: string; to: string } | undefined {
  const m = /^(.*?): (.*?) --(.*)--> (.*)$/.exec(key);
  return m ? { machine: m[1]!, from: m[2]!, event: m[3]!, to: m[4]! } : undefined;
}

const BOX_W = 150;
const BOX_H = 30;
const COL_W = 200;
const ROW_H = 54;
const PAD = 20;

export interface StatechartHighlight {
  /** Coverage of the run: transition key -> times taken. */
  readonly taken: Readonly<Record<string, number>>;
  /** The violating checkouts' paths (transition keys in order). */
  readonly paths?: Readonly<Record<string, readonly string[]>>;
}

export function renderStatechart(d: MachineDescription, h: StatechartHighlight): string {
  // Edges: one per (from, to), listing its events.
  const edges = new Map<string, { from: string; to: string; events: string[] }>();
  for (const t of d.transitions) {
    const k = `${t.from}\u0000${t.to}`;
    const e = edges.get(k) ?? { from: t.from, to: t.to, events: [] };
    if (!e.events.includes(t.event)) e.events.push(t.event);
    edges.set(k, e);
  }
  const takenPairs = new Map<string, number>();
  for (const [key, n] of Object.entries(h.taken)) {
    const p = parseTransitionKey(key);
    if (p && p.machine === d.id) takenPairs.set(`${p.from}\u0000${p.to}`, (takenPairs.get(`${p.from}\u0000${p.to}`) ?? 0) + n);
  }
  const pathPairs = new Set<string>();
  const pathStates = new Set<string>();
  for (const path of Object.values(h.paths ?? {}))
    for (const key of path) {
      const p = parseTransitionKey(key);
      if (!p || p.machine !== d.id) continue;
      pathPairs.add(`${p.from}\u0000${p.to}`);
      pathStates.add(p.to);
    }
  const visited = new Set([...takenPairs.keys()].flatMap((k) => k.split("\u0000")));

  // Columns by breadth-first distance from the initial state; final states (no way out) in the last column.
  const out = new Map<string, string[]>();
  for (const e of edges.values()) if (e.from !== e.to) out.set(e.from, [...(out.get(e.from) ?? []), e.to]);
  const depth = new Map<string, number>([[d.initial, 0]]);
  for (const queue = [d.initial]; queue.length > 0; ) {
    const s = queue.shift()!;
    for (const next of out.get(s) ?? []) if (!depth.has(next)) (depth.set(next, depth.get(s)! + 1), queue.push(next));
  }
  const finals = d.states.filter((s) => !out.has(s));
  const lastCol = Math.max(0, ...[...depth.entries()].filter(([s]) => !finals.includes(s)).map(([, n]) => n)) + 1;
  const column = (s: string) => (finals.includes(s) ? lastCol : (depth.get(s) ?? lastCol));
  const rows = new Map<number, string[]>();
  for (const s of d.states) rows.set(column(s), [...(rows.get(column(s)) ?? []), s]);
  const pos = new Map<string, { x: number; y: number }>();
  for (const [col, states] of rows) states.forEach((s, i) => pos.set(s, { x: PAD + col * COL_W, y: PAD + 20 + i * ROW_H }));
  const width = PAD * 2 + lastCol * COL_W + BOX_W;
  const height = PAD * 2 + 20 + Math.max(...[...rows.values()].map((r) => r.length)) * ROW_H;

  const parts: string[] = [];
  parts.push(`<svg class="statechart" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="statechart ${esc(d.id)}">`);
  parts.push(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0 L10 5 L0 10 z" fill="context-stroke"/></marker></defs>`);
  const init = pos.get(d.initial);
  if (init) parts.push(`<circle cx="${init.x - 12}" cy="${init.y + BOX_H / 2}" r="5" class="initial"/>`);
  for (const e of edges.values()) {
    const a = pos.get(e.from);
    const b = pos.get(e.to);
    if (!a || !b) continue;
    const k = `${e.from}\u0000${e.to}`;
    const cls = pathPairs.has(k) ? "edge path" : takenPairs.has(k) ? "edge taken" : "edge";
    const title = esc(`${e.from} -> ${e.to}: ${e.events.join("; ")}${takenPairs.has(k) ? ` (taken ${takenPairs.get(k)} times)` : " (not taken)"}`);
    let dPath: string;
    if (e.from === e.to) {
      const x = a.x + BOX_W - 24;
      dPath = `M${x} ${a.y} C${x - 6} ${a.y - 22} ${x + 26} ${a.y - 22} ${x + 16} ${a.y}`;
    } else {
      const [sx, sy] = border(a, b);
      const [tx, ty] = border(b, a);
      // Bend each edge a little, and edges going back more, so a -> b and b -> a do not overlap.
      const back = b.x < a.x || (b.x === a.x && b.y < a.y);
      const bend = back ? 40 : 14;
      const mx = (sx + tx) / 2;
      const my = (sy + ty) / 2;
      const len = Math.hypot(tx - sx, ty - sy) || 1;
      const cx = mx + (-(ty - sy) / len) * bend;
      const cy = my + ((tx - sx) / len) * bend;
      dPath = `M${r(sx)} ${r(sy)} Q${r(cx)} ${r(cy)} ${r(tx)} ${r(ty)}`;
    }
    parts.push(`<path class="${cls}" d="${dPath}" marker-end="url(#arrow)"><title>${title}</title></path>`);
  }
  for (const s of d.states) {
    const p = pos.get(s)!;
    const cls = pathStates.has(s) || (s === d.initial && pathPairs.size > 0) ? "state onpath" : visited.has(s) ? "state visited" : "state";
    parts.push(`<g class="${cls}${finals.includes(s) ? " final" : ""}"><title>${esc(s)}</title><rect x="${p.x}" y="${p.y}" width="${BOX_W}" height="${BOX_H}" rx="8"/><text x="${p.x + BOX_W / 2}" y="${p.y + 19}" text-anchor="middle">${esc(s)}</text></g>`);
  }
  parts.push(`</svg>`);
  return parts.join("");
}

const r = (n: number) => Math.round(n * 10) / 10;

/** Where the line from box a's centre to box b's centre leaves box a. */
function border(a: { x: number; y: number }, b: { x: number; y: number }): [number, number] {
  const ax = a.x + BOX_W / 2;
  const ay = a.y + BOX_H / 2;
  const dx = b.x + BOX_W / 2 - ax;
  const dy = b.y + BOX_H / 2 - ay;
  const scale = 1 / Math.max(Math.abs(dx) / (BOX_W / 2), Math.abs(dy) / (BOX_H / 2), 1e-9);
  return [ax + dx * scale, ay + dy * scale];
}

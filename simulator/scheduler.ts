// The scheduler is the only source of interleaving. Every port call becomes a pending step; the loop
// lets all promise chains settle (quiescence), picks one ready step by the strategy, and when nothing
// is ready moves the virtual clock to the next timer. Same seed, same picks, same run.
import type { SeededRandom } from "./random.ts";
import type { VirtualClock } from "./clock.ts";

export interface Step {
  /** Creation order, the tie-breaker for every strategy. */
  readonly seq: number;
  readonly process: string;
  readonly label: string;
  readonly run: () => void;
}

export const STRATEGIES = ["random", "pct"] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Chooses which ready step runs next. */
export interface Strategy {
  pick(ready: readonly Step[], stepIndex: number): number;
}

/** Uniform choice among ready steps. */
export class RandomStrategy implements Strategy {
  constructor(private readonly random: SeededRandom) {}
  pick(ready: readonly Step[]): number {
    return this.random.int(ready.length);
  }
}

/**
 * PCT (Burckhardt et al., probabilistic concurrency testing): each process gets a random priority;
 * the highest-priority ready process runs; at `depth - 1` random change points the running process
 * drops to the lowest priority. Finds bugs of small depth with a provable probability.
 */
export class PctStrategy implements Strategy {
  private readonly priorities = new Map<string, number>();
  private readonly changePoints: Set<number>;
  private lowest = 0;

  constructor(private readonly random: SeededRandom, depth = 3, stepsEstimate = 5_000) {
    this.changePoints = new Set(Array.from({ length: Math.max(0, depth - 1) }, () => random.int(stepsEstimate)));
  }

  pick(ready: readonly Step[], stepIndex: number): number {
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < ready.length; i++) {
      const p = this.priorityOf(ready[i]!.process);
      if (p > bestPriority) {
        bestPriority = p;
        best = i;
      }
    }
    if (this.changePoints.has(stepIndex)) this.priorities.set(ready[best]!.process, --this.lowest);
    return best;
  }

  private priorityOf(process: string): number {
    let p = this.priorities.get(process);
    if (p === undefined) {
      p = 1 + this.random.next();
      this.priorities.set(process, p);
    }
    return p;
  }
}

/** Resolves once every queued microtask (every settled promise chain) has run. */
const quiescence = () => new Promise<void>((resolve) => setImmediate(resolve)); // not simulated time: only a drain of the microtask queue

export interface RunLimits {
  /** Stop once virtual time passes this. */
  readonly untilTime: number;
  /** Hard bound on steps, so a livelock ends the run instead of hanging it. */
  readonly stepsMax: number;
  /** Stop early when this returns true (checked at quiescence). */
  readonly done?: () => boolean;
}

export type StopReason = "done" | "time" | "steps" | "idle";

export class Scheduler {
  private ready: Step[] = [];
  private seq = 0;
  steps = 0;

  constructor(
    private readonly clock: VirtualClock,
    private readonly strategy: Strategy,
    /** Told of every choice among two or more ready steps (the history records scheduler decisions). */
    private readonly onChoice?: (step: Step, readyCount: number) => void,
  ) {}

  /** Queues a step; it runs when the strategy picks it. */
  enqueue(process: string, label: string, run: () => void): void {
    this.ready.push({ seq: this.seq++, process, label, run });
  }

  /** Drops queued steps of processes that match (a crashed process sends nothing more). Returns them. */
  drop(predicate: (step: Step) => boolean): Step[] {
    const dropped = this.ready.filter(predicate);
    if (dropped.length > 0) this.ready = this.ready.filter((s) => !predicate(s));
    return dropped;
  }

  get pending(): number {
    return this.ready.length;
  }

  async run(limits: RunLimits): Promise<StopReason> {
    for (;;) {
      await quiescence();
      if (limits.done?.()) return "done";
      if (this.steps >= limits.stepsMax) return "steps";
      if (this.ready.length > 0) {
        const readyCount = this.ready.length;
        const i = readyCount === 1 ? 0 : this.strategy.pick(this.ready, this.steps);
        const step = this.ready[i]!;
        // Order-preserving removal keeps the ready list (and so every later pick) deterministic.
        this.ready.splice(i, 1);
        this.steps++;
        if (readyCount > 1) this.onChoice?.(step, readyCount);
        step.run();
        continue;
      }
      const next = this.clock.nextDeadline();
      if (next === undefined) return "idle";
      if (next > limits.untilTime) {
        this.clock.advanceTo(limits.untilTime);
        return "time";
      }
      this.clock.advanceToNext();
    }
  }
}

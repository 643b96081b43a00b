// Flags of `scenarios`, `run` and `replay`: the CI-facing contract. The work is in cli/actions/.
import type { Command } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, ...value.split(",").filter((v) => v.length > 0)];

/** Options shared by run and replay, so a replay command accepts everything a run printed. */
function runFlags(cmd: Command): Command {
  return cmd
    .option("--policy <policy>", "reservation policy: reserve-before-payment | reserve-after-authorization | async-reservation (default: the scenario's)")
    .option("--stores <engine>", "store adapters: memory | sqlite; with --live: postgres | real (default: memory; with --live, postgres)")
    .option("--architecture <architecture>", "split (five stores, the reference) | monolith (one database, one transaction)", "split")
    .option("--disable <mitigation...>", "switch a mitigation off to prove its checker (repeatable): checkout-key, payment-key, reservation, reservation-expiry, reconciliation, consumer-dedupe, reprice, outbox", collect)
    .option("--swarm", "draw the fault mix from the seed (swarm testing)")
    .option("--strategy <strategy>", "scheduling strategy: random | pct", "random")
    .option("--buyers <n>", "override the scenario's buyer count (shrinking uses this)")
    .option("--skus <n>", "override the number of products (shrinking uses this)")
    .option("--stock-per-sku <n>", "override the units received per product (shrinking uses this)")
    .option("--lines-max <n>", "override the most lines per cart (shrinking uses this)")
    .option("--quantity-max <n>", "override the most units per line (shrinking uses this)")
    .option("--arrival-window-ms <ms>", "override the window buyers arrive in (shrinking uses this)")
    .option("--buyer-retries <n>", "override how often a buyer resubmits a checkout (shrinking uses this)")
    .option("--safety-ms <ms>", "override the length of the safety phase, faults on (shrinking uses this)")
    .option("--faults <sites>", "restrict the scenario's fault plan to these sites, comma-separated, or none (shrinking uses this)")
    .option("--firings <ids>", "only these fault firings may fire: SITE@PROCESS[/DETAIL]#N (the N-th time SITE would fire there), comma-separated, or none (shrinking uses this)")

    .option("--machine <file>", "run your own XState statechart (.ts .mts .js .mjs) as the coordinator; its invoked src names bind to the step library")
    .option("--machine-export <name>", "which machine of --machine FILE, when it exports several (default: its only one)");
}

export function defineScenarios(program: Command): void {
  program
    .command("scenarios")
    .description("list the scenarios with what they test")
    .option("--json", "print JSON: [{ name, description, invariants }]")
    .action(async (opts: { json?: boolean }) => (await import("../actions/scenarios.ts")).scenariosAction(opts));
}

export function defineRun(program: Command): void {
  runFlags(
    program
      .command("run")
      .description("run scenarios over many seeds with faults; exit 0 when every invariant held, 1 on a violation, 2 on bad input")
      .argument("[scenario...]", "scenario names (default: all; see `checkout-sim scenarios`)"),
  )
    .option("--seeds <n>", "how many seeds per scenario (default: 20; with --live, 1)")
    .option("--seed <s>", "first seed (seeds are s, s+1, ...) (default: 1)")
    .option("--check-determinism", "run every seed twice and stop at the first trace divergence")
    .option("--workers <n>", "worker threads running seeds in parallel; the results are identical for any n (default: available cores)")
    .option("--shard <i/n>", "run only the i-th of n deterministic slices of the scenario x seed grid (merge the --out reports with `checkout-sim merge`)")
    .option("--out <dir>", "write report.md, report.json and a self-contained report.html into DIR")
    .option("--json", "print the result as JSON instead of the table")
    .option("--junit <file>", "write JUnit XML (one test case per scenario x invariant, and per scenario x exercised condition)")
    .option("--allow-vacuous", "exit 0 even when a scenario's declared condition (e.g. concurrent-last-unit) happened in no seed")
    .option("--live", "live mode: real engines (--stores postgres | real), real time, concurrent buyers; not deterministic, no trace hash")
    .option("--duration-ms <ms>", "live mode: length of the safety phase (faults on), real ms (default: the scenario's, 10000)")
    .option("--pg <url>", "live mode: PostgreSQL URL (default: DATABASE_URL, else PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD, else postgresql://127.0.0.1:5432/test)")
    .option("--redis <url>", "live mode with --stores real: Redis URL (default: REDIS_URL, else redis://127.0.0.1:6379)")
    .option("--nats <servers>", "live mode with --stores real: NATS servers, comma-separated (default: NATS_URL, else nats://127.0.0.1:4222)")
    .action(async (scenarios: string[], opts: Record<string, unknown>) => (await import("../actions/run.ts")).runAction(scenarios, opts));
}

export function defineReplay(program: Command): void {
  runFlags(
    program
      .command("replay")
      .description("replay one run exactly: print its history and trace hash")
      .argument("<scenario>", "scenario name"),
  )
    .requiredOption("--seed <s>", "the seed to replay")
    .option("--trace <file>", "write the JSON-lines trace to FILE")
    .option("--json", "print { scenario, seed, traceHash, valid, violations, counterexample, faultMix, stats, exercised, history } as JSON")
    .option("--out <dir>", "write report.md, report.json and a self-contained report.html for this run into DIR")
    .action(async (scenario: string, opts: { seed: string }) => (await import("../actions/replay.ts")).replayAction(scenario, opts));
}

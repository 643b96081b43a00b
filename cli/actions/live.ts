// `checkout-sim run --live`: the scenarios' workloads and fault plans against real engines, on real
// time, judged by the same checkers. Not deterministic: no trace hash, no replay, no shrinking; the
// seed decides the workload and the fault choices only. Exit 0 when every invariant held (true, not
// unknown) in every run, 1 otherwise, 2 on bad input or an unreachable engine.
import { join } from "node:path";
import type { LiveEngine } from "../../simulator/live/engines.ts";
import { LIVE_ENGINES } from "../../simulator/live/engines.ts";
import type { LiveRunResult } from "../../simulator/live/runLive.ts";
import { SCENARIOS } from "../../scenarios/index.ts";
import { liveJson, renderLiveMarkdown, renderLiveText, type LiveReport } from "../../reports/live.ts";
import { EXIT, parseChoice, parseCount, UsageError } from "../usage.ts";
import { checkWritableDir, writeAtomic } from "./output.ts";
import { parseCommon, parseSeed, restrictFaults, scenarioByName, type CommonRunFlags } from "./runOptions.ts";

export interface LiveFlags extends CommonRunFlags {
  live?: boolean;
  durationMs?: string;
  pg?: string;
  redis?: string;
  nats?: string;
  seeds?: string;
  seed?: string;
  checkDeterminism?: boolean;
  out?: string;
  json?: boolean;
  junit?: string;
}

/** Shortest safety phase live mode accepts: buyers need time to arrive and check out. */
const DURATION_MS_MIN = 500;

export async function liveAction(names: string[], flags: LiveFlags): Promise<void> {
  // Validate everything before any work, so bad input exits 2 with nothing written.
  const scenarios = names.length > 0 ? names.map(scenarioByName) : [...SCENARIOS];
  const engine: LiveEngine = parseChoice(flags.stores ?? "postgres", "--stores", LIVE_ENGINES);
  if (flags.checkDeterminism) throw new UsageError("--check-determinism does not apply to --live: live runs are not deterministic");
  if (flags.junit !== undefined) throw new UsageError("--junit is not supported with --live; use --json or --out");
  if (flags.safetyMs !== undefined) throw new UsageError("--safety-ms is for simulated runs; live mode takes --duration-ms");
  if (flags.strategy !== undefined && flags.strategy !== "random") throw new UsageError("--strategy does not apply to --live: the engines and the event loop interleave, not a scheduler");
  if (flags.architecture !== undefined && flags.architecture !== "split") throw new UsageError("--architecture monolith is not available with --live; live mode runs the split reference");
  if (engine !== "real" && (flags.redis !== undefined || flags.nats !== undefined)) throw new UsageError(`--redis and --nats need --stores real (--stores ${engine} keeps the cart and event stream in memory)`);
  const seeds = parseCount(flags.seeds ?? "1", "--seeds", 1);
  const firstSeed = parseSeed(flags.seed ?? "1", "--seed");
  const durationMs = flags.durationMs === undefined ? undefined : parseCount(flags.durationMs, "--duration-ms", DURATION_MS_MIN);
  const common = parseCommon({ ...flags, stores: "memory", strategy: "random", architecture: "split" });
  if (flags.out) checkWritableDir(flags.out, "--out");
  const endpoints = { ...(flags.pg !== undefined ? { pgUrl: flags.pg } : {}), ...(flags.redis !== undefined ? { redisUrl: flags.redis } : {}), ...(flags.nats !== undefined ? { natsUrl: flags.nats } : {}) };

  const { runLive } = await import("../../simulator/live/runLive.ts");
  const { describeEndpoints, EngineUnavailable, probeLiveEngines } = await import("../../simulator/live/liveStores.ts");
  try {
    await probeLiveEngines(engine, endpoints);
  } catch (err) {
    if (err instanceof EngineUnavailable) throw new UsageError(`--live --stores ${engine}: ${err.message}`);
    throw err;
  }
  const where = describeEndpoints(engine, endpoints);
  const say = (line: string) => {
    if (!flags.json) process.stderr.write(`${line}\n`);
  };
  say(`checkout-sim run --live: ${scenarios.length} scenarios x ${seeds} seeds on ${engine} (${Object.entries(where).map(([k, v]) => `${k} ${v}`).join(", ")}); real time, not deterministic: the seed decides the workload and fault choices, not the interleaving`);

  const results: LiveRunResult[] = [];
  for (const scenario of scenarios) {
    for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
      const faults = restrictFaults(scenario, common.faults);
      const result = await runLive({
        scenario,
        seed,
        engine,
        endpoints,
        ...(durationMs !== undefined ? { durationMs } : {}),
        ...(common.policy !== undefined ? { policy: common.policy } : {}),
        ...(common.disable !== undefined ? { disable: common.disable } : {}),
        ...(common.swarm !== undefined ? { swarm: common.swarm } : {}),
        ...(common.workload !== undefined ? { workload: common.workload } : {}),
        ...(faults !== undefined ? { faults } : {}),
      });
      results.push(result);
      const held = result.check.verdicts.filter((v) => v.valid === true).length;
      say(`${scenario.name} seed ${seed}: ${held}/${result.check.verdicts.length} invariants held, ${result.stats.operations} operations, ${result.stats.faults} faults, ${result.stats.elapsedMs} ms`);
    }
  }

  const report: LiveReport = { engine, stores: results[0]?.stores ?? null, endpoints: where, results };
  const json = liveJson(report);
  if (flags.out) {
    writeAtomic(join(flags.out, "report.json"), JSON.stringify(json, null, 2) + "\n");
    writeAtomic(join(flags.out, "report.md"), renderLiveMarkdown(report));
    for (const r of results) writeAtomic(join(flags.out, `history-${r.scenario}-${r.seed}.jsonl`), r.history.toJsonLines());
  }
  if (flags.json) process.stdout.write(JSON.stringify(json, null, 2) + "\n");
  else process.stdout.write(renderLiveText(report) + "\n");
  process.exitCode = json.held ? EXIT.ok : EXIT.violation;
}

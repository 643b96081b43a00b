// `--machine FILE [--machine-export NAME]` on run, replay and compare: the architect's own statechart
// as the coordinator under test. Its lint findings are printed first as warnings (stderr); a machine
// that cannot run (a `src` with no step, a final state without `meta.outcome`) is refused with one
// line and exit 2, before any run.
import { MachineBindingError } from "../../core/checkout/bindMachine.ts";
import { formatFinding, lintMachine } from "../../core/checkout/lint.ts";
import type { MachineCoordinator } from "../../simulator/machineCoordinator.ts";
import { UsageError } from "../usage.ts";
import { oneMachine } from "./loadMachines.ts";

export interface MachineFlags {
  machine?: string;
  machineExport?: string;
}

export interface LoadedMachine {
  readonly coordinator: MachineCoordinator;
  /** How reports name it: the machine's id. */
  readonly label: string;
}

/** The coordinator `--machine` names, or undefined without the flag. */
export async function loadMachineFlag(flags: MachineFlags, architecture?: string): Promise<LoadedMachine | undefined> {
  if (flags.machine === undefined) {
    if (flags.machineExport !== undefined) throw new UsageError("--machine-export names an export of --machine FILE, which is missing");
    return undefined;
  }
  if (architecture === "monolith") throw new UsageError("--machine runs a statechart on the split architecture; drop --architecture monolith");
  const file = flags.machine;
  const { name, machine } = await oneMachine(file, flags.machineExport);
  const { coordinatorFromMachine } = await import("../../simulator/machineCoordinator.ts");
  const { replayableAs } = await import("../../simulator/replayCommand.ts");
  let coordinator: MachineCoordinator;
  try {
    coordinator = coordinatorFromMachine(machine);
  } catch (err) {
    if (err instanceof MachineBindingError) throw new UsageError(`--machine ${file}: ${err.message}`);
    throw err;
  }
  for (const finding of lintMachine(machine)) process.stderr.write(`warning: ${formatFinding(finding)}\n`);
  // Replay commands of runs with this coordinator carry the flags that rebuild it.
  replayableAs(coordinator, ["--machine", file, ...(flags.machineExport === undefined ? [] : ["--machine-export", name])]);
  return { coordinator, label: machine.id };
}

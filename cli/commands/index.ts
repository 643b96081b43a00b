// Every command, registered in the order `--help` lists them.
import type { Command } from "commander";

export function defineCommands(program: Command): void {
  void program;
}

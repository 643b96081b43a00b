// Every command, registered in the order `--help` lists them.
import type { Command } from "commander";
import { defineReplay, defineRun, defineScenarios } from "./simulate.ts";
import { defineBench } from "./bench.ts";
import { defineMachine } from "./machine.ts";
import { defineLint } from "./lint.ts";
import { defineCompare } from "./compare.ts";
import { defineMerge } from "./merge.ts";

export function defineCommands(program: Command): void {
  defineRun(program);
  defineReplay(program);
  defineMerge(program);
  defineScenarios(program);
  defineCompare(program);
  defineBench(program);
  defineMachine(program);
  defineLint(program);
}

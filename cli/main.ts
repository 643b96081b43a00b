// The checkout-sim command line. Each command's flags live in cli/commands/<name>.ts, which stay light;
// the work behind them is imported only when that command runs, so `--help` starts fast.
import { Command, CommanderError } from "commander";
import { EXIT, UsageError } from "./usage.ts";
import { defineCommands } from "./commands/index.ts";

const program = new Command("checkout-sim")
  .description("Deterministic simulation and chaos testing for e-commerce checkout: five stores, one checkout contract.")
  .version("0.1.0")
  .showHelpAfterError("(run with --help for usage)")
  .exitOverride();

defineCommands(program);

// `checkout-sim replay ... | head` closes the pipe early: that is the reader's choice, not a crash.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

function fail(message: string): never {
  process.stderr.write(`checkout-sim: ${message}\n`);
  process.exit(EXIT.usage);
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    if (err.exitCode === 0 || err.code === "commander.helpDisplayed" || err.code === "commander.version") process.exit(0);
    process.exit(EXIT.usage); // commander already printed its one-line message
  }
  if (err instanceof UsageError) fail(err.message);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`checkout-sim: internal error: ${message}\n`);
  if (process.env["CHECKOUT_SIM_DEBUG"] && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  process.exit(3);
}

// Test support for the NATS engine: probe the server once per test file, give every suite its own
// stream (pid + counter: parallel test files never collide), and delete it afterwards.
import type { JetStreamManager } from "@nats-io/jetstream";
import { probeNats, type NatsProbe } from "./connection.ts";

export async function natsForTests(): Promise<{ readonly available: boolean; readonly probe: NatsProbe }> {
  const probe = await probeNats();
  if (!probe.ok && process.env["CHECKOUT_SIM_REQUIRE_ENGINES"] === "1") throw new Error(`nats tests must run here (CHECKOUT_SIM_REQUIRE_ENGINES=1): ${probe.reason}`);
  if (!probe.ok) process.stderr.write(`nats tests skipped: ${probe.reason}\n`);
  return { available: probe.ok, probe };
}

let counter = 0;

export function freshStreamName(name: string): string {
  counter += 1;
  return `cstest_${name}_${process.pid}_${counter}`;
}

export async function deleteStream(jsm: JetStreamManager, stream: string): Promise<void> {
  if (!stream.startsWith("cstest_")) throw new Error(`refusing to delete stream ${stream}`);
  await jsm.streams.delete(stream).catch(() => false);
}

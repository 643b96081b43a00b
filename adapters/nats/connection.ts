// Where the NATS engine connects, decided in one place: explicit servers, else NATS_URL, else this
// machine's local server. Also a one-shot probe (JetStream must be enabled) so tests skip with one
// clear line instead of failing when no server is reachable.
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";

export const DEFAULT_NATS_URL = "nats://127.0.0.1:4222";

export function natsServers(servers?: string): string {
  const explicit = servers ?? process.env["NATS_URL"];
  return explicit !== undefined && explicit !== "" ? explicit : DEFAULT_NATS_URL;
}

export function connectNats(servers?: string): Promise<NatsConnection> {
  return connect({ servers: natsServers(servers).split(","), timeout: 2000, name: "checkout-sim" });
}

export type NatsProbe = { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string };

/** Connects once (2 s timeout) and checks JetStream answers; never throws. */
export async function probeNats(servers?: string): Promise<NatsProbe> {
  const target = natsServers(servers);
  let nc: NatsConnection | undefined;
  try {
    nc = await connectNats(target);
    await jetstreamManager(nc, { timeout: 2000 });
    return { ok: true, version: nc.info?.version ?? "unknown" };
  } catch (err) {
    const message = err instanceof Error ? err.message || err.name : String(err);
    return { ok: false, reason: `NATS JetStream not reachable at ${target} (${message})` };
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

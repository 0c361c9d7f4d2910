/**
 * "Instances" of the server in this test process, each with its own
 * services, login gate, locks and Redis connection, sharing one sandbox and
 * one coordination server, as several processes behind a load balancer
 * would (test/fleet-processes.test.ts runs real processes).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { createLogger, type LogEntry } from "../src/common/log.js";
import { Redactor } from "../src/common/redact.js";
import { loadConfig } from "../src/config/env.js";
import { type Fleet, startFleet } from "../src/domain/fleet/index.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import type { Sandbox } from "../src/sandbox/index.js";
import { createServer } from "../src/server/createServer.js";

export interface Instance {
  client: Client;
  services: Services;
  fleet: Fleet | null;
  /** Everything the instance logged. */
  logs: LogEntry[];
  close(): Promise<void>;
}

/** One instance on `sandbox`, coordinated through `redisUrl` (null: on its own). */
export async function instance(opts: { sandbox: Sandbox; redisUrl: string | null; env?: Record<string, string> }): Promise<Instance> {
  const config = loadConfig({
    VICIDIAL_URL: opts.sandbox.url,
    VICIDIAL_USER: "6666",
    VICIDIAL_PASS: "sandbox1234",
    VICIDIAL_AUDIT_LOG: "off",
    ...(opts.redisUrl ? { VICIDIAL_COORDINATION_URL: opts.redisUrl } : {}),
    ...opts.env,
  });
  const logs: LogEntry[] = [];
  const quiet = createLogger(new Redactor(), "error", () => {});
  quiet.subscribe((e) => logs.push(e));
  const fleet = config.coordinationUrl ? await startFleet({ url: config.coordinationUrl, config, log: quiet }) : null;
  const services = createServices(config, opts.sandbox.url, {
    sandbox: true,
    logLevel: "error",
    retryDelayMs: 5,
    relistDelaysMs: [20, 50],
    rateLimits: fleet?.rateLimits,
    systemDeps: fleet?.systemDeps,
  });
  services.log.subscribe((e) => logs.push(e));
  fleet?.useLogger(services.log);
  const server = createServer(services);
  const client = new Client({ name: "fleet-test", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return {
    client,
    services,
    fleet,
    logs,
    async close() {
      await client.close();
      await server.close();
      await services.close();
      await fleet?.close();
    },
  };
}

/** Shared pieces of the several-systems tests: random passwords and sandboxes seeded with them. */
import { randomBytes } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { loadConfig } from "../../src/config/env.js";
import { createSystemsServices, type Services } from "../../src/domain/runtime.js";
import type { SystemSettings } from "../../src/domain/system.js";
import { UNSTARTED_SANDBOX } from "../../src/domain/systems.js";
import { defaultSeed, type Sandbox, type SandboxSeed } from "../../src/sandbox/index.js";
import { createServer } from "../../src/server/createServer.js";

/** A password of the characters VICIdial keeps, different every run. */
export function randomPass(): string {
  return `pw${randomBytes(9)
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x")}`;
}

/** The default call centre with the admin user 6666's password replaced. */
export function seedWithPassword(pass: string): SandboxSeed {
  const seed = defaultSeed();
  seed.users.find((u) => u.user === "6666")!.pass = pass;
  return seed;
}

/**
 * Several systems in process, each on a sandbox the test started (or, with
 * `lazy`, the placeholder of an embedded sandbox never started), linked to a
 * client by an in-memory transport.
 */
export async function inProcessSystems(opts: {
  systems: {
    name: string;
    sandbox?: Sandbox;
    /** Instead of the sandbox's own address (a proxy in front of it). */
    url?: string;
    maxConcurrency?: number;
    timeoutMs?: number;
    readOnly?: boolean;
    allowedCampaigns?: string[];
  }[];
  defaultSystem: string | null;
}): Promise<{ client: Client; services: Services; close(): Promise<void> }> {
  const config = loadConfig({ VICIDIAL_AUDIT_LOG: "off" });
  const settings: SystemSettings[] = opts.systems.map((s) => ({
    name: s.name,
    baseUrl: s.url ?? s.sandbox?.url ?? UNSTARTED_SANDBOX,
    user: "6666",
    pass: "sandbox1234",
    source: "mcpalturl",
    timeoutMs: s.timeoutMs ?? 5000,
    maxConcurrency: s.maxConcurrency ?? 4,
    readOnly: s.readOnly ?? false,
    allowedCampaigns: s.allowedCampaigns ?? null,
    requireHttps: false,
    allowedUrlHosts: null,
    sandbox: s.sandbox === undefined,
  }));
  const services = createSystemsServices(
    config,
    { systems: settings, defaultSystem: opts.defaultSystem },
    { sandbox: false, logLevel: "error" },
  );
  const server = createServer(services);
  const client = new Client({ name: "systems-client", version: "1.0.0" });
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return {
    client,
    services,
    async close() {
      await client.close();
      await server.close();
      await services.close();
    },
  };
}

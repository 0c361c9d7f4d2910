/**
 * The services of a VICIDIAL_SYSTEMS_FILE: one system per entry, connected on
 * first use. A system with `url: sandbox` gets an embedded sandbox of its own
 * (its own state, users and lockout), started by the first call that needs
 * it, so a file of ten systems starts as fast as one; the sandbox code
 * itself is loaded only then.
 */
import type { Config } from "../config/env.js";
import type { SystemsFile } from "../config/systemsFile.js";
import { createSystemsServices, type ServiceOptions, type Services } from "../domain/runtime.js";
import type { SystemSettings } from "../domain/system.js";
import { UNSTARTED_SANDBOX } from "../domain/systems.js";
import { lazySandboxes } from "./lazySandboxes.js";

export interface SystemsRuntime {
  services: Services;
  close(): Promise<void>;
}

export function startSystems(
  cfg: Config,
  file: SystemsFile,
  opts: Pick<ServiceOptions, "logLevel" | "rateLimits" | "systemDeps">,
): SystemsRuntime {
  const settings: SystemSettings[] = file.systems.map((e) => ({
    name: e.name,
    baseUrl: e.url ?? UNSTARTED_SANDBOX,
    user: e.user,
    pass: e.pass,
    source: e.source,
    timeoutMs: e.timeoutMs,
    maxConcurrency: e.maxConcurrency,
    readOnly: e.readOnly,
    allowedCampaigns: e.allowedCampaigns,
    requireHttps: e.requireHttps,
    allowedUrlHosts: e.allowedUrlHosts,
    sandbox: e.url === null,
  }));
  const sandboxes = lazySandboxes({
    log: () => services.log,
    describe: (name, url) => `system ${name}: embedded VICIdial sandbox started at ${url} (not a real call centre)`,
  });
  const services = createSystemsServices(
    cfg,
    { systems: settings, defaultSystem: file.defaultSystem, startSandbox: sandboxes.start },
    { sandbox: false, ...opts },
  );
  return {
    services,
    async close() {
      await services.close().catch(() => {});
      await sandboxes.close();
    },
  };
}

/** What a person sees at start: each system, its address (never the password) and how it is restricted. */
export function systemsBannerLines(s: Services, file: string): string[] {
  const lines = [`VICIdial systems from ${file} (connected on first use):`];
  for (const name of s.systems.names) {
    const v = s.systems.view(name);
    const user = s.systems.settings(name)!.user;
    const where = v.sandbox ? "embedded VICIdial SANDBOX (not a real call centre), started on first use" : v.url;
    const notes = [
      v.default ? "default" : null,
      v.read_only ? "read-only" : null,
      v.allowed_campaigns ? `campaigns ${v.allowed_campaigns.join(", ")}` : null,
    ]
      .filter((x) => x !== null)
      .join("; ");
    lines.push(`  ${name}: ${where}, as user ${user}${notes ? ` (${notes})` : ""}`);
  }
  if (s.defaultSystem === null) lines.push("No default system: every tool call must name its system.");
  return lines;
}

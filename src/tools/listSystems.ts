/**
 * list_systems: the VICIdial systems this server manages, with their web
 * root and settings, never their user or password. Answered from the
 * configuration alone: it connects to nothing and starts no sandbox.
 */
import { z } from "zod";
import type { SystemView } from "../domain/systems.js";
import { defineTool } from "./shared/define.js";
import { systemArg } from "./shared/schemas.js";

const systemSchema = z.object({
  name: z.string().describe("The name every tool's system argument takes"),
  default: z.boolean().describe("True for the system a call without system goes to"),
  url: z.string().describe("The VICIdial web root; for an embedded sandbox its address once started, `sandbox` before its first use"),
  sandbox: z.boolean().describe("True for an embedded practice VICIdial, not a real call centre"),
  started: z.boolean().describe("False for an embedded sandbox not started yet (it starts with the first call that needs it)"),
  source: z.string().describe("The source field sent with every API request"),
  timeout_ms: z.number().describe("Per-request timeout in milliseconds"),
  read_only: z.boolean().describe("True when every write to this system is refused (READ_ONLY)"),
  allowed_campaigns: z
    .array(z.string())
    .nullable()
    .describe("The only campaign, in-group and list ids this server may touch; null for all"),
  require_https: z.boolean().describe("True when plain http:// Alt URLs are refused"),
  allowed_url_hosts: z.array(z.string()).nullable().describe("The only hosts Alt URLs may point to; null for any"),
  max_concurrency: z.number().describe("Most requests in flight to this system at once"),
});

function line(v: SystemView): string {
  const flags = [
    v.default ? "default" : null,
    v.sandbox ? (v.started ? "embedded sandbox" : "embedded sandbox, starts on first use") : null,
    v.read_only ? "read-only" : null,
    v.allowed_campaigns ? `campaigns ${v.allowed_campaigns.join(", ")}` : null,
    v.allowed_url_hosts ? `URL hosts ${v.allowed_url_hosts.join(", ")}` : null,
    v.require_https ? "https URLs only" : null,
  ].filter((x) => x !== null);
  return `- ${v.name}: ${v.url}${flags.length ? ` (${flags.join("; ")})` : ""}`;
}

export const listSystems = defineTool({
  name: "list_systems",
  title: "List the VICIdial systems",
  description:
    "List the VICIdial systems this server manages (for example staging and production, or one per client): each one's name (what every other tool's system argument takes), web address, whether it is the default, an embedded sandbox or read-only, and its restrictions (allowed campaigns, allowed URL hosts, https only, timeout, concurrency). Never shows a user or password. Reads only this server's configuration: connects to no VICIdial.",
  inputSchema: { system: systemArg.describe("Describe only this system; leave out to list every one") },
  outputSchema: {
    systems: z.array(systemSchema).describe("Every configured system (or the one asked for), in the configuration's order"),
    default_system: z
      .string()
      .nullable()
      .describe("The system a call without system goes to; null when there is none (then system is required)"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const names = a.system === undefined ? s.systems.names : [s.systems.resolve(a.system)];
    const systems = names.map((n) => s.systems.view(n));
    const head =
      s.defaultSystem === null
        ? `${systems.length} VICIdial systems, no default: every call must name its system.`
        : `${s.systems.size} VICIdial system${s.systems.size === 1 ? "" : "s"}; the default is ${s.defaultSystem}.`;
    return {
      structured: { system: a.system ?? null, systems, default_system: s.defaultSystem },
      text: [head, ...systems.map(line)].join("\n"),
    };
  },
});

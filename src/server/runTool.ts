/**
 * Runs one tool call. We validate arguments ourselves (the SDK does not see
 * the zod schemas) so bad input gets INVALID_INPUT naming the field and the
 * fix; every result has structuredContent plus a short text; every failure
 * has the contract's error shape; secrets are masked on the way out.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { CallToolResult, ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { type ErrorPayload, ToolError } from "../common/errors.js";
import type { Services } from "../domain/runtime.js";
import type { ToolContext, ToolDefinition } from "../tools/shared/define.js";
import { actorOf } from "./actor.js";
import { confirmWithPerson } from "./confirm.js";

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

function toolContext(server: McpServer, services: Services, extra: Extra, tool: string): ToolContext {
  return {
    services,
    actor: actorOf(extra),
    confirm: (message) => confirmWithPerson({ server, call: extra, message }),
    async progress(progress, total, message) {
      const token = extra._meta?.progressToken;
      if (token === undefined) return;
      try {
        await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, total, message } });
      } catch (err) {
        services.log.warn(`${tool}: could not send a progress notification: ${(err as Error).message}`);
      }
    },
  };
}

/** Names users bring from a popular but wrong tutorial, and what they mean here. */
const TUTORIAL_NAMES: Record<string, string> = {
  dispo_code: 'statuses (an array, e.g. ["SALE"])',
  alt_url: "url",
  delete_url: "the delete_alt_url tool",
  alt_url_id: "id",
  url_address: "url",
  url_statuses: "statuses",
  url_rank: "rank",
  url_lists: "lists",
  url_call_length: "min_call_length",
  url_description: "description",
  ingroup_id: 'campaign_id with entry_type "ingroup" (VICIdial names the id of campaigns, in-groups and lists campaign_id)',
  group_id: 'campaign_id with entry_type "ingroup" (VICIdial names the id of campaigns, in-groups and lists campaign_id)',
  list_id: 'campaign_id with entry_type "list" (VICIdial names the id of campaigns, in-groups and lists campaign_id)',
};

function describeIssue(issue: z.core.$ZodIssue): ToolError {
  const field = issue.path.length > 0 ? issue.path.map(String).join(".") : "arguments";
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    const hint = TUTORIAL_NAMES[key];
    return new ToolError({
      code: "INVALID_INPUT",
      field: key,
      message: `Unknown argument "${key}".`,
      cause: hint
        ? `"${key}" is not an argument of this tool (some tutorials use it; VICIdial's real API does not).`
        : `"${key}" is not an argument of this tool; nothing was sent to VICIdial.`,
      fix: hint ? `Use ${hint} instead.` : "Remove it; the tool's input schema lists every argument.",
    });
  }
  const expected = "expected" in issue && issue.expected ? ` (expected ${String(issue.expected)})` : "";
  return new ToolError({
    code: "INVALID_INPUT",
    field,
    message: `${field}: ${issue.message}${expected}.`,
    cause: `The value given for "${field}" does not fit the tool's input schema; nothing was sent to VICIdial.`,
    fix: `Give "${field}" as the schema describes it: ${issue.message.toLowerCase()}.`,
  });
}

export function errorResult(payload: ErrorPayload, opts: { sandbox: boolean; system?: string; details?: ToolError["details"] }) {
  const lines = [`Error ${payload.code}: ${payload.message}`, `Cause: ${payload.cause}`, `Fix: ${payload.fix}`];
  if (payload.vicidial_response) lines.push(`VICIdial said: ${payload.vicidial_response}`);
  if (opts.details?.text) lines.push("", opts.details.text);
  return {
    content: [{ type: "text" as const, text: lines.join("\n") }],
    structuredContent: {
      sandbox: opts.sandbox,
      ...(opts.system !== undefined ? { system: opts.system } : {}),
      ...opts.details?.structured,
      error: payload,
    },
    isError: true,
  };
}

/** Which argument names the system a call is about (and writes to), and its value. */
function systemArgument(def: ToolDefinition, args: Record<string, unknown>): { name: unknown; field: string } {
  return def.systemOf ? def.systemOf(args as never) : { name: args.system, field: "system" };
}

/** The system a call names (else the default), when that is a configured one. */
function systemNamed(services: Services, def: ToolDefinition, args: Record<string, unknown>): string | undefined {
  const given = systemArgument(def, args).name;
  const name = typeof given === "string" ? given : given === undefined ? services.defaultSystem : null;
  return name !== null && services.systems.has(name) ? name : undefined;
}

/**
 * One tools/call of a tool this server offers: our own argument check, the
 * handler, the result (structuredContent plus a short text) or the error in
 * the contract's shape, secrets masked on the way out. Never throws.
 */
export async function runTool(opts: {
  server: McpServer;
  services: Services;
  def: ToolDefinition;
  args: unknown;
  extra: Extra;
}): Promise<CallToolResult> {
  const { server, services, def, args, extra } = opts;
  const raw = (typeof args === "object" && args !== null ? args : {}) as Record<string, unknown>;
  let system = systemNamed(services, def, raw);
  try {
    const parsed = inputValidator(def).safeParse(args ?? {});
    if (!parsed.success) {
      // An unknown argument (often a tutorial's name) explains the rest: report it first.
      const issues = parsed.error.issues;
      throw describeIssue(issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!);
    }
    const data = parsed.data as Record<string, unknown>;
    system = systemNamed(services, def, data);
    // A write names one system: resolved (INVALID_INPUT listing the names) and refused when read-only, before anything is sent.
    if (def.write) {
      const named = systemArgument(def, data);
      services.systems.get(services.systems.resolve(named.name as string | undefined, named.field))!.assertWritable(def.name);
    }
    const out = await def.handler(data as never, toolContext(server, services, extra, def.name));
    // A handler may name the system itself, or `system: null` for a result about several.
    const { system: own, ...rest } = out.structured;
    if (own !== undefined) system = typeof own === "string" ? own : undefined;
    const sandbox = own === null ? services.systems.names.every((n) => services.systems.settings(n)?.sandbox) : services.sandboxFor(system);
    const structured = services.redactor.value({ sandbox, ...(system !== undefined ? { system } : {}), ...rest });
    const text = services.redactor.text(sandbox ? `${out.text}\n(sandbox: not a real VICIdial)` : out.text);
    return { content: [{ type: "text" as const, text }], structuredContent: structured };
  } catch (err) {
    const payload =
      err instanceof ToolError
        ? err.toPayload()
        : new ToolError({
            code: "UNEXPECTED_RESPONSE",
            message: `Internal error in ${def.name}: ${(err as Error)?.message ?? String(err)}`,
            cause: "The server met a situation it does not handle. Nothing further was sent to VICIdial.",
            fix: "Call list_alt_urls to see the current state; report this message to the server's maintainers.",
          }).toPayload();
    if (!(err instanceof ToolError)) services.log.error(`${def.name}: ${(err as Error)?.stack ?? String(err)}`);
    // With several systems, an error says which one it is about.
    if (system !== undefined && services.systems.size > 1 && !payload.message.includes(`"${system}"`)) {
      payload.message = `System "${system}": ${payload.message}`;
    }
    return services.redactor.value(
      errorResult(payload, {
        sandbox: services.sandboxFor(system),
        system,
        details: err instanceof ToolError ? err.details : undefined,
      }),
    );
  }
}

/** Each tool's argument check, built on its first call (most tools are never called in a session). */
const validators = new WeakMap<ToolDefinition, z.ZodType>();

function inputValidator(def: ToolDefinition): z.ZodType {
  let v = validators.get(def);
  if (!v) {
    v = z.strictObject(def.inputSchema);
    validators.set(def, v);
  }
  return v;
}

/**
 * Registers a tool definition with the SDK. The wrapper validates arguments
 * itself (not the SDK) so bad input gets INVALID_INPUT naming the field and
 * the fix; every result has structuredContent plus a short text; every failure
 * has the contract's error shape; secrets are masked on the way out.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Services } from "../domain/runtime.js";
import { type ErrorPayload, ToolError } from "../shared/errors.js";
import { fullOutputSchema, type ToolContext, type ToolDefinition } from "../tools/shared/define.js";
import { actorOf } from "./actor.js";
import { confirmWithPerson } from "./confirm.js";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

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

export function errorResult(payload: ErrorPayload, sandbox: boolean, details?: ToolError["details"]) {
  const lines = [`Error ${payload.code}: ${payload.message}`, `Cause: ${payload.cause}`, `Fix: ${payload.fix}`];
  if (payload.vicidial_response) lines.push(`VICIdial said: ${payload.vicidial_response}`);
  if (details?.text) lines.push("", details.text);
  return {
    content: [{ type: "text" as const, text: lines.join("\n") }],
    structuredContent: { sandbox, ...details?.structured, error: payload },
    isError: true,
  };
}

export function registerTool(server: McpServer, services: Services, def: ToolDefinition): void {
  const validator = z.strictObject(def.inputSchema);
  server.registerTool(
    def.name,
    {
      title: def.title,
      description: def.description,
      inputSchema: def.inputSchema,
      outputSchema: fullOutputSchema(def.outputSchema),
      annotations: { title: def.title, ...def.annotations },
    },
    async (args: unknown, extra: Extra) => {
      const sandbox = services.sandbox;
      try {
        const parsed = validator.safeParse(args ?? {});
        if (!parsed.success) {
          // An unknown argument (often a tutorial's name) explains the rest: report it first.
          const issues = parsed.error.issues;
          throw describeIssue(issues.find((i) => i.code === "unrecognized_keys") ?? issues[0]!);
        }
        const out = await def.handler(parsed.data as never, toolContext(server, services, extra, def.name));
        const structured = services.redactor.value({ sandbox, ...out.structured });
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
        return services.redactor.value(errorResult(payload, sandbox, err instanceof ToolError ? err.details : undefined));
      }
    },
  );
}

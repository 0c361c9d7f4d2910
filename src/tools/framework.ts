/**
 * A tool is one declarative definition: name, description for a colleague
 * who has never seen VICIdial, input and output schema, all four annotation
 * hints, and a handler. `registerTool` wraps the handler so every result has
 * structuredContent plus a short text, every failure has the contract's error
 * shape, and arguments are validated here (not by the SDK) so bad input gets
 * INVALID_INPUT naming the field and the fix.
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { ERROR_CODES, type ErrorPayload, ToolError } from "../client/errors.js";
import type { Services } from "../services.js";

export type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

export interface ToolContext {
  services: Services;
  server: McpServer;
  extra: Extra;
}

export interface ToolOutput {
  structured: Record<string, unknown>;
  text: string;
}

export interface ToolDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  description: string;
  inputSchema: S;
  /** Success fields; the wrapper adds `sandbox` and `error` and makes them optional. */
  outputSchema: z.ZodRawShape;
  annotations: ToolAnnotations;
  /** Not registered in read-only mode. */
  write: boolean;
  handler(args: z.infer<z.ZodObject<S>>, ctx: ToolContext): Promise<ToolOutput>;
}

export function defineTool<S extends z.ZodRawShape>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}

export const errorSchema = z.object({
  code: z.enum(ERROR_CODES).describe("Stable error code"),
  message: z.string().describe("What happened"),
  cause: z.string().describe("Why, in the administrator's words"),
  fix: z.string().describe("What to do about it"),
  retryable: z.boolean().describe("True only when calling again may succeed"),
  vicidial_response: z.string().nullable().describe("VICIdial's own answer, secrets removed"),
  field: z.string().optional().describe("For INVALID_INPUT: the argument at fault"),
});

/** Every output admits the error shape (clients validate even when isError is true). */
export function fullOutputSchema(shape: z.ZodRawShape): z.ZodRawShape {
  const optional: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) optional[k] = (v as z.ZodType).optional();
  return {
    sandbox: z.boolean().describe("True when talking to the embedded sandbox, not a real VICIdial"),
    ...optional,
    error: errorSchema.optional().describe("Present when the call failed"),
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

export function errorResult(payload: ErrorPayload, sandbox: boolean) {
  const lines = [`Error ${payload.code}: ${payload.message}`, `Cause: ${payload.cause}`, `Fix: ${payload.fix}`];
  if (payload.vicidial_response) lines.push(`VICIdial said: ${payload.vicidial_response}`);
  return {
    content: [{ type: "text" as const, text: lines.join("\n") }],
    structuredContent: { sandbox, error: payload },
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
        const out = await def.handler(parsed.data as never, { services, server, extra });
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
        return services.redactor.value(errorResult(payload, sandbox));
      }
    },
  );
}

/**
 * The SDK validates arguments itself and answers with a bare text error; we
 * validate in the wrapper instead so the answer carries INVALID_INPUT with
 * the field and the fix. The registered schemas still describe every field
 * in tools/list. (test/framework.test.ts fails if the SDK changes this hook.)
 */
export function useOwnInputValidation(server: McpServer): void {
  const target = server as unknown as { validateToolInput?: unknown };
  if (typeof target.validateToolInput !== "function") {
    throw new Error("@modelcontextprotocol/sdk no longer has McpServer.validateToolInput; update src/tools/framework.ts");
  }
  target.validateToolInput = async (_tool: unknown, args: unknown) => args ?? {};
}

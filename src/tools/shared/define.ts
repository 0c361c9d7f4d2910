/**
 * A tool is one declarative definition: name, description for a colleague
 * who has never seen VICIdial, input and output schema, all four annotation
 * hints, and a handler. The server layer lists and runs it (src/server/toolServing.ts, runTool.ts);
 * a handler sees only its ToolContext, never the SDK.
 */
import { z } from "zod";
import { ERROR_CODES } from "../../common/errors.js";
import type { Services } from "../../domain/runtime.js";
import { named } from "./shapeNames.js";

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a handler may do beyond computing its result, provided by the server layer. */
export interface ToolContext {
  services: Services;
  /** Who is calling, for the audit log: "stdio", "token", or an OAuth subject. */
  actor: string;
  /**
   * Ask the person through the client (MCP elicitation) when it can; a decline
   * throws DECLINED. "not_asked" when the client cannot ask: it then relies on
   * the tool's destructive hint for its own confirmation.
   */
  confirm(message: string): Promise<"confirmed" | "not_asked">;
  /** A progress notification, sent only when the caller asked for progress. */
  progress(progress: number, total: number, message: string): Promise<void>;
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
  /** Not registered in read-only mode; refused with READ_ONLY on a read-only system. */
  write: boolean;
  /**
   * The system a call writes to and its result names, when that is not its
   * `system` argument (copy_alt_urls: `to_system`): the name (undefined: the
   * default) and the argument an error about it names.
   */
  systemOf?(args: z.infer<z.ZodObject<S>>): { name: string | undefined; field: string };
  handler(args: z.infer<z.ZodObject<S>>, ctx: ToolContext): Promise<ToolOutput>;
}

export function defineTool<S extends z.ZodRawShape>(def: ToolDefinition<S>): ToolDefinition<S> {
  return def;
}

export const errorSchema = named(
  "error",
  z.object({
    code: z.enum(ERROR_CODES).describe("Stable error code"),
    message: z.string().describe("What happened"),
    cause: z.string().describe("Why, in the administrator's words"),
    fix: z.string().describe("What to do about it"),
    retryable: z.boolean().describe("True only when calling again may succeed"),
    vicidial_response: z.string().nullable().describe("VICIdial's own answer, secrets removed"),
    field: z.string().optional().describe("For INVALID_INPUT: the argument at fault"),
  }),
);

/** Every output admits the error shape (clients validate even when isError is true). */
export function fullOutputSchema(shape: z.ZodRawShape): z.ZodRawShape {
  const optional: Record<string, z.ZodType> = {};
  for (const [k, v] of Object.entries(shape)) optional[k] = (v as z.ZodType).optional();
  return {
    sandbox: z.boolean().describe("True when talking to the embedded sandbox, not a real VICIdial"),
    system: z.string().optional().describe("The VICIdial system this call used (list_systems shows them)"),
    ...optional,
    error: errorSchema.optional().describe("Present when the call failed"),
  };
}

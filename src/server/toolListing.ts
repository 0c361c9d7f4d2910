/**
 * What tools/list shows of a tool: its definition turned into the MCP `Tool`
 * shape, input and output schemas as JSON Schema. The build computes this
 * once for every tool (scripts/bundle.mjs), so the server answers tools/list
 * without building or converting any zod schema at start; run from source
 * (tests), it is computed on the first tools/list.
 */
import { z } from "zod";
import { fullOutputSchema, type ToolAnnotations, type ToolDefinition } from "../tools/shared/define.js";
import { shapeNames } from "../tools/shared/shapeNames.js";
import { compactSchema, SHAPE_NAME_KEY } from "./schemaCompaction.js";

export interface ToolListing {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: ToolAnnotations & { title: string };
  /** MCP tasks: this server runs every call to its end within the request. */
  execution: { taskSupport: "forbidden" };
  /** Not part of tools/list: whether the tool changes anything (read-only mode withholds it). */
  write: boolean;
}

/**
 * JSON Schema of a zod object shape (draft-07; inputs as accepted, outputs as
 * produced), as zod renders it, then said with less (schemaCompaction.ts):
 * shared shapes under `definitions`, no union a validator must try.
 */
export function jsonSchemaOf(shape: z.ZodRawShape, io: "input" | "output"): Record<string, unknown> {
  const rendered = z.toJSONSchema(z.object(shape), {
    target: "draft-7",
    io,
    override: ({ zodSchema, jsonSchema }) => {
      const name = shapeNames.get(zodSchema)?.name;
      if (name !== undefined) (jsonSchema as Record<string, unknown>)[SHAPE_NAME_KEY] = name;
    },
  });
  return compactSchema(rendered as Record<string, unknown>);
}

export function listingOf(def: ToolDefinition): ToolListing {
  return {
    name: def.name,
    title: def.title,
    description: def.description,
    inputSchema: jsonSchemaOf(def.inputSchema, "input"),
    outputSchema: jsonSchemaOf(fullOutputSchema(def.outputSchema), "output"),
    annotations: { title: def.title, ...def.annotations },
    execution: { taskSupport: "forbidden" },
    write: def.write,
  };
}

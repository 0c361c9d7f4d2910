/**
 * Names for object shapes several results share (the error, an Alt URL row,
 * a planned request, ...): tools/list writes a shape that occurs twice in one
 * tool's output schema once, under `definitions`, by the name given here
 * (src/server/schemaCompaction.ts). A name says nothing about validation.
 */
import { z } from "zod";

export const shapeNames = z.registry<{ name: string }>();

/** The schema itself, named for tools/list's `definitions`. */
export function named<T extends z.ZodType>(name: string, schema: T): T {
  shapeNames.add(schema, { name });
  return schema;
}

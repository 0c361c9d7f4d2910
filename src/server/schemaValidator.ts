/**
 * The JSON Schema validator the SDK's server checks elicitation answers
 * with: the SDK's own ajv validator, loaded by the first confirmation rather
 * than at start (ajv is the largest library the server would otherwise
 * evaluate before its first answer; most sessions never ask anything).
 * The build leaves the SDK's default out of the start-up code
 * (scripts/sdk-trim.mjs), so this must be the one every McpServer gets.
 */
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";

let loaded: Promise<jsonSchemaValidator> | undefined;
let ready: jsonSchemaValidator | undefined;

/** Loads the validator; await it before anything that makes the SDK validate (confirm.ts, before elicitInput). */
export async function loadSchemaValidator(): Promise<void> {
  loaded ??= import("@modelcontextprotocol/sdk/validation/ajv").then(({ AjvJsonSchemaValidator }) => new AjvJsonSchemaValidator());
  ready = await loaded;
}

export const lazySchemaValidator: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    if (!ready) throw new Error("the JSON Schema validator is not loaded yet: await loadSchemaValidator() first");
    return ready.getValidator<T>(schema);
  },
};

/** A parsed JSON value's shapes, checked one way everywhere a JSON document, schema or message is read. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isJsonObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

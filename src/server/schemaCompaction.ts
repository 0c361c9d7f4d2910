/**
 * A tool's JSON Schema said with less, meaning the same: what zod renders,
 * rewritten so a client's validator compiles and runs it without trying
 * branches, and so no shape is written out twice.
 *
 * - An object shape that occurs twice or more (the error shape, an Alt URL
 *   row, a planned request, ...) is written once under `definitions` and
 *   referred to with `$ref` (draft-07 spelling; refs stay within the schema,
 *   each tool's schema is standalone). The first name a shape was given
 *   (SHAPE_NAME_KEY, set from the zod schema it came from) names it, else
 *   the property it was first found under.
 * - `anyOf` of branches that differ only in type becomes one schema with a
 *   type list: a nullable scalar, array or object is `type: [X, "null"]`,
 *   an id that may be text or a number is `type: ["string", "integer"]` with
 *   each branch's keywords (each applies only to its own type, so nothing
 *   gets looser). A nullable shared shape becomes `if: {type: "null"}` with
 *   the reference as `else`: one type check decides, no branch is tried.
 * - `propertyNames: {type: "string"}` goes (every JSON property name is one).
 */
import { isJsonObject } from "../common/json.js";

type Json = Record<string, unknown>;

/** Marks a rendered object with the name of the shared shape it came from; removed here. */
export const SHAPE_NAME_KEY = "x-shape-name";

/**
 * JSON with object keys sorted: the same shape gives the same text wherever
 * it was written. `seen` keeps each object's text for one pass over an
 * unchanging tree, so a subtree is written out once, not once per ancestor.
 */
function canonical(v: unknown, seen?: WeakMap<object, string>): string {
  if (typeof v !== "object" || v === null) return JSON.stringify(v);
  const known = seen?.get(v);
  if (known !== undefined) return known;
  const text = Array.isArray(v)
    ? `[${v.map((x) => canonical(x, seen)).join(",")}]`
    : `{${Object.keys(v)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${canonical((v as Json)[k], seen)}`)
        .join(",")}}`;
  seen?.set(v, text);
  return text;
}

/** What makes an object shape the same shape: everything but what its usage says about it. */
function shapeKey(node: Json, seen: WeakMap<object, string>): string {
  const { description: _d, [SHAPE_NAME_KEY]: _n, ...body } = node;
  return `{${Object.keys(body)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(body[k], seen)}`)
    .join(",")}}`;
}

interface Occurrence {
  holder: Json | unknown[];
  at: string | number;
  node: Json;
  /** The property it was found under, for a definition's fallback name. */
  hint: string;
}

/** Every object shape (a schema with `properties`) below the root, definitions included. */
function shapesIn(root: Json): Map<string, Occurrence[]> {
  const found = new Map<string, Occurrence[]>();
  const seen = new WeakMap<object, string>();
  const visit = (holder: Json | unknown[], at: string | number, node: unknown, hint: string) => {
    if (Array.isArray(node)) {
      for (const [i, v] of node.entries()) visit(node, i, v, hint);
      return;
    }
    if (!isJsonObject(node)) return;
    if (isJsonObject(node.properties) && node !== root) {
      const key = shapeKey(node, seen);
      const list = found.get(key) ?? [];
      list.push({ holder, at, node, hint });
      found.set(key, list);
    }
    for (const [k, v] of Object.entries(node)) {
      const next = k === "items" ? `${hint}_item` : k === "additionalProperties" ? `${hint}_value` : hint;
      if (k === "properties" && isJsonObject(v)) for (const [p, s] of Object.entries(v)) visit(v, p, s, p);
      else if (k === "definitions" && isJsonObject(v)) for (const [d, s] of Object.entries(v)) visit(v, d, s, d);
      else visit(node, k, v, next);
    }
  };
  visit({ root }, "root", root, "shape");
  return found;
}

function uniqueName(wanted: string, taken: Json): string {
  const base = wanted.replace(/[^A-Za-z0-9_]/g, "_") || "shape";
  let name = base;
  for (let i = 2; name in taken; i++) name = `${base}_${i}`;
  return name;
}

/** Writes each repeated object shape once under `definitions`, the largest first (its inner shapes then occur once less). */
function shareRepeatedShapes(root: Json): void {
  const definitions: Json = isJsonObject(root.definitions) ? root.definitions : {};
  for (;;) {
    const repeated = [...shapesIn({ ...root, definitions }).entries()].filter(([, occ]) => occ.length > 1);
    if (repeated.length === 0) break;
    const [, occurrences] = repeated.reduce((a, b) => (b[0].length > a[0].length ? b : a));
    const first = occurrences[0]!;
    const named = occurrences.map((o) => o.node[SHAPE_NAME_KEY]).find((n) => typeof n === "string");
    const name = uniqueName((named as string | undefined) ?? first.hint, definitions);
    const { description: _d, [SHAPE_NAME_KEY]: _n, ...body } = first.node;
    const descriptions = new Set(occurrences.map((o) => o.node.description));
    // A description every use shares belongs to the shape; one that differs belongs to its use.
    const shared = descriptions.size === 1 ? [...descriptions][0] : undefined;
    definitions[name] = shared === undefined ? body : { description: shared, ...body };
    for (const o of occurrences) {
      const ref: Json = { $ref: `#/definitions/${name}` };
      if (shared === undefined && o.node.description !== undefined) ref.description = o.node.description;
      (o.holder as Json)[o.at as string] = ref;
    }
  }
  if (Object.keys(definitions).length > 0) root.definitions = definitions;
}

/** Keywords that constrain only instances of one JSON type (draft-07). */
const KEYWORD_TYPE: Record<string, string> = {
  maxLength: "string",
  minLength: "string",
  pattern: "string",
  format: "string",
  minimum: "number",
  maximum: "number",
  exclusiveMinimum: "number",
  exclusiveMaximum: "number",
  multipleOf: "number",
  items: "array",
  maxItems: "array",
  minItems: "array",
  uniqueItems: "array",
  properties: "object",
  required: "object",
  additionalProperties: "object",
  propertyNames: "object",
  maxProperties: "object",
  minProperties: "object",
};
const ANNOTATIONS = new Set(["description", "title", "default", "examples"]);
const family = (type: string) => (type === "integer" ? "number" : type);

/**
 * One schema for `anyOf` branches of distinct types whose keywords each apply
 * only to their own type (so the merge accepts exactly what the union did);
 * undefined when the branches cannot be merged so.
 */
function mergedByType(branches: unknown[]): Json | undefined {
  const types: string[] = [];
  const merged: Json = {};
  let enumValues: unknown[] | undefined;
  for (const b of branches) {
    if (!isJsonObject(b) || typeof b.type !== "string" || types.some((t) => family(t) === family(b.type as string))) return undefined;
    types.push(b.type);
    for (const [k, v] of Object.entries(b)) {
      if (k === "type") continue;
      if (k === "enum" && Array.isArray(v)) enumValues = [...(enumValues ?? []), ...v];
      else if (k === "const") enumValues = [...(enumValues ?? []), v];
      else if (KEYWORD_TYPE[k] === family(b.type) && !(k in merged)) merged[k] = v;
      else if (!ANNOTATIONS.has(k)) return undefined;
    }
  }
  if (enumValues) {
    // An enum constrains every type: only a nullable enum (the other branch `null`) merges.
    if (branches.length !== 2 || !types.includes("null")) return undefined;
    merged.enum = [...enumValues, null];
  }
  return { type: types, ...merged };
}

const isNull = (b: unknown) => isJsonObject(b) && b.type === "null" && Object.keys(b).length === 1;

/** Rewrites every `anyOf` that needs no branch tried (see the top of the file); others stay. */
function resolveUnions(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(resolveUnions);
  if (!isJsonObject(node)) return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node)) out[k] = resolveUnions(v);
  const branches = out.anyOf;
  if (!Array.isArray(branches)) return out;
  const { anyOf: _a, ...rest } = out;
  const refBranch = branches.length === 2 && branches.some(isNull) ? branches.find((b) => !isNull(b)) : undefined;
  if (isJsonObject(refBranch) && typeof refBranch.$ref === "string" && Object.keys(refBranch).length === 1)
    return { ...rest, if: { type: "null" }, else: refBranch };
  const merged = mergedByType(branches);
  return merged ? { ...merged, ...rest } : out;
}

function dropRedundant(node: unknown): void {
  if (Array.isArray(node)) for (const v of node) dropRedundant(v);
  if (!isJsonObject(node)) return;
  if (canonical(node.propertyNames) === canonical({ type: "string" })) delete node.propertyNames;
  for (const v of Object.values(node)) dropRedundant(v);
}

function dropShapeNames(node: unknown): void {
  if (Array.isArray(node)) for (const v of node) dropShapeNames(v);
  if (!isJsonObject(node)) return;
  delete node[SHAPE_NAME_KEY];
  for (const v of Object.values(node)) dropShapeNames(v);
}

/** The same schema with less (see the top of the file); the argument is left as it was. */
export function compactSchema(schema: Json): Json {
  const root = structuredClone(schema);
  dropRedundant(root);
  shareRepeatedShapes(root);
  dropShapeNames(root);
  return resolveUnions(root) as Json;
}

/**
 * The schemas tools/list shows, as a client's validator sees them: each
 * compiles with ajv in strict mode (draft-07, `$ref` to `definitions` within
 * the tool's own schema), real results of every tool (a success and an
 * error, and the errors that carry more than the error shape) validate, no
 * output schema holds a union a validator must try branch by branch, and no
 * object shape is written out twice in one schema.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compactSchema } from "../src/server/schemaCompaction.js";
import { listingOf } from "../src/server/toolListing.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { type CallResult, call, type InProcess, inProcess } from "./helpers/harness.js";

type Json = Record<string, unknown>;
const listings = new Map(ALL_TOOLS.map((def) => [def.name, listingOf(def)]));
/** As strict as ajv gets; `type: [X, "null"]` and `["string", "integer"]` are the unions the schemas use. */
const strictAjv = () => new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });

/** Every subschema of a schema, with where it is. */
function* subschemas(node: unknown, at = "#"): Generator<[string, Json]> {
  if (Array.isArray(node)) {
    for (const [i, v] of node.entries()) yield* subschemas(v, `${at}/${i}`);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  yield [at, node as Json];
  for (const [k, v] of Object.entries(node)) {
    if ((k === "properties" || k === "definitions") && typeof v === "object" && v !== null)
      for (const [p, s] of Object.entries(v)) yield* subschemas(s, `${at}/${k}/${p}`);
    else if (typeof v === "object") yield* subschemas(v, `${at}/${k}`);
  }
}

const sorted = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sorted)
    : typeof v === "object" && v !== null
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted((v as Json)[k])]),
        )
      : v;

describe("output schemas as a client compiles them", () => {
  let env: InProcess;
  let dir: string;
  const results = new Map<string, CallResult[]>();
  const record = (name: string, r: CallResult) => results.set(name, [...(results.get(name) ?? []), r]);
  const run = async (name: string, args: Json) => {
    const r = await call(env.client, name, args);
    record(name, r);
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "schemas-"));
    env = await inProcess({
      env: { VICIDIAL_AUDIT_LOG: path.join(dir, "audit.jsonl") },
      elicit: () => ({ action: "accept", content: { confirm: true } }),
    });
    const document = [
      "version: 1",
      "entries:",
      "  - campaign_id: '2001'",
      "    prune: true",
      "    alt_urls: [{statuses: [SALE], url: 'https://crm.example.com/sale?lead=--A--lead_id--B--'}]",
      "  - {campaign_id: '9999', alt_urls: []}",
    ].join("\n");
    // Successes: every tool once, the writes for real (so the audit log has changes to list and undo).
    await run("list_campaigns", {});
    await run("list_ingroups", {});
    await run("list_alt_urls", { campaign_id: "2001" });
    await run("preview_dispo_urls", { campaign_id: "2001", status: "SALE" });
    await run("list_url_deliveries", { campaign_id: "2001" });
    const made = await run("set_alt_url", { campaign_id: "3001", statuses: ["NI"], url: "https://crm.example.com/ni" });
    await run("enable_alt_url", { campaign_id: "2001", id: 3 });
    await run("disable_alt_url", { campaign_id: "2001", id: 3 });
    await run("delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 101, dry_run: true });
    await run("enable_alt_url_mode", { campaign_id: "2002" });
    await run("copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001", "9999"] });
    await run("export_alt_urls", {});
    await run("plan_alt_urls", { document });
    await run("apply_alt_urls", { document });
    await run("list_changes", {});
    await run("undo_change", { change_id: made.structured.change_id });
    await run("test_alt_url", { url: `${env.sandbox.url}/no-such-page`, allow_private: true });
    await run("check_connection", {});
    await run("list_systems", {});
    // Errors: every tool's INVALID_INPUT, and the errors that carry fields besides the error shape.
    for (const def of ALL_TOOLS) await run(def.name, { not_an_argument: 1 });
    await run("list_alt_urls", { campaign_id: "9999" });
    await run("plan_alt_urls", { document: "version: 1\nentries: [{campaign_id: '2001', alt_urls: [{url: 7}]}]" });
    await run("apply_alt_urls", { document, plan_id: "00" });
    await run("undo_change", { change_id: "no-such-change" });
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("compiles every input and output schema with ajv in strict mode", () => {
    const ajv = strictAjv();
    for (const [name, l] of listings) {
      expect(() => ajv.compile(l.outputSchema), `${name} outputSchema`).not.toThrow();
      expect(() => ajv.compile(l.inputSchema), `${name} inputSchema`).not.toThrow();
    }
  });

  it.each(ALL_TOOLS.map((t) => t.name))("%s: a real success and a real error validate against its output schema", (name) => {
    const validate = strictAjv().compile(listings.get(name)!.outputSchema);
    const seen = results.get(name) ?? [];
    expect(
      seen.some((r) => !r.isError),
      `${name}: no success (${seen.map((r) => r.text.slice(0, 80)).join(" | ")})`,
    ).toBe(true);
    expect(seen.some((r) => r.isError)).toBe(true);
    for (const r of seen) {
      const ok = validate(r.structured);
      expect(ok ? null : { result: r.text.slice(0, 200), errors: validate.errors }, name).toBeNull();
    }
  });

  it("validates the errors that carry more than the error shape (a stale plan, an invalid document, an unknown campaign)", () => {
    const coded = (name: string, code: string) => results.get(name)?.find((r) => r.structured.error?.code === code);
    expect(coded("apply_alt_urls", "PLAN_STALE")?.structured.plan_id).toEqual(expect.any(String));
    const invalid = results.get("plan_alt_urls")!.filter((r) => r.structured.error?.code === "INVALID_INPUT");
    expect(invalid.some((r) => Array.isArray(r.structured.problems) && r.structured.problems.length > 0)).toBe(true);
    expect(coded("list_alt_urls", "CAMPAIGN_NOT_FOUND")).toBeDefined();
    const planned = results.get("plan_alt_urls")!.find((r) => !r.isError)!;
    // The entry that could not be read carries its error: a nullable shared shape, validated above.
    expect((planned.structured.entries as { error: unknown }[]).some((e) => e.error !== null)).toBe(true);
  });

  it("rejects what the contract does not allow, as strictly as before", () => {
    const validate = strictAjv().compile(listings.get("list_alt_urls")!.outputSchema);
    const good = results.get("list_alt_urls")!.find((r) => !r.isError)!.structured;
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, extra: 1 })).toBe(false);
    expect(validate({ ...good, error: null })).toBe(false);
    const err = results.get("list_alt_urls")!.find((r) => r.isError)!.structured;
    expect(validate({ ...err, error: { ...err.error, code: "NOT_A_CODE" } })).toBe(false);
    const undo = strictAjv().compile(listings.get("undo_change")!.outputSchema);
    const undone = results.get("undo_change")!.find((r) => !r.isError)!.structured;
    expect(undo({ ...undone, alt_url: null })).toBe(true);
    expect(undo({ ...undone, alt_url: { id: 1 } })).toBe(false);
  });
});

describe("output schemas say each thing once", () => {
  it.each(ALL_TOOLS.map((t) => t.name))(
    "%s: no anyOf or oneOf, no object shape inlined twice, refs only to its own definitions",
    (name) => {
      const { outputSchema, inputSchema } = listings.get(name)!;
      const shapes = new Map<string, string>();
      for (const [at, s] of subschemas(outputSchema)) {
        expect(s.anyOf ?? s.oneOf, `${name} ${at}`).toBeUndefined();
        if (typeof s.$ref === "string") {
          const ref = s.$ref.match(/^#\/definitions\/(\w+)$/)?.[1];
          expect(ref && (outputSchema.definitions as Json)[ref], `${name} ${at}: ${s.$ref}`).toBeTruthy();
        }
        if (at === "#" || typeof s.properties !== "object") continue;
        const { description: _d, ...body } = s;
        const key = JSON.stringify(sorted(body));
        expect(shapes.get(key), `${name}: ${at} repeats the shape at ${shapes.get(key)}`).toBeUndefined();
        shapes.set(key, at);
      }
      for (const [at, s] of subschemas(inputSchema)) expect(s.anyOf ?? s.oneOf, `${name} input ${at}`).toBeUndefined();
    },
  );

  it("shares a repeated shape under its name, keeps each use's description, and writes nullable as a type list", () => {
    const error = { type: "object", properties: { code: { type: "string" } }, required: ["code"], additionalProperties: false };
    const compact = compactSchema({
      type: "object",
      properties: {
        error: { ...error, description: "Present when the call failed", "x-shape-name": "error" },
        rows: {
          type: "array",
          items: {
            type: "object",
            properties: { error: { anyOf: [{ ...error, "x-shape-name": "error" }, { type: "null" }], description: "This row's" } },
          },
        },
        note: { anyOf: [{ type: "string", enum: ["a", "b"] }, { type: "null" }], description: "A note" },
        id: {
          anyOf: [
            { type: "string", maxLength: 20 },
            { type: "integer", minimum: 0 },
          ],
        },
        fields: { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "string" } },
      },
    });
    expect(compact).toEqual({
      type: "object",
      properties: {
        error: { $ref: "#/definitions/error", description: "Present when the call failed" },
        rows: {
          type: "array",
          items: {
            type: "object",
            properties: { error: { description: "This row's", if: { type: "null" }, else: { $ref: "#/definitions/error" } } },
          },
        },
        note: { type: ["string", "null"], enum: ["a", "b", null], description: "A note" },
        id: { type: ["string", "integer"], maxLength: 20, minimum: 0 },
        fields: { type: "object", additionalProperties: { type: "string" } },
      },
      definitions: { error },
    });
  });

  it("leaves a union whose branches overlap as it is (merging would accept more)", () => {
    const union = { anyOf: [{ type: "string", enum: ["a"] }, { type: "number" }] };
    expect(compactSchema({ type: "object", properties: { x: union } })).toEqual({ type: "object", properties: { x: union } });
  });
});

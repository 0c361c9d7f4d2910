/**
 * Issue 8 items 18 and 19: what clients and models send.
 * - Every string and array of every input schema has a maximum VICIdial can
 *   store, so one call with 150,000 list ids or 130,000 statuses is refused at
 *   once with INVALID_INPUT naming the field, nothing sent, while another
 *   client's call goes on.
 * - An id sent as a number (`2001`, as the MCP Inspector's CLI and many
 *   models send it) is taken as its digits, in every field that takes an id.
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../src/server/createServer.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  items?: Schema;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  propertyNames?: Schema;
}

/** Whether a schema admits a JSON type (`type` is one name or, merged from a union, a list). */
const admits = (s: Schema, type: string) => [s.type].flat().includes(type);

/** Every string or array in a schema without a maximum, by its path. */
function unbounded(s: Schema, at: string, out: string[] = []): string[] {
  if (admits(s, "string") && s.maxLength === undefined && s.enum === undefined && s.const === undefined) out.push(at);
  if (admits(s, "array") && s.maxItems === undefined) out.push(`${at}[]`);
  if (admits(s, "object") && s.additionalProperties && s.maxProperties === undefined) out.push(`${at}{}`);
  for (const [i, x] of (s.anyOf ?? []).entries()) unbounded(x, `${at}|${i}`, out);
  if (s.items) unbounded(s.items, `${at}[]`, out);
  for (const [k, x] of Object.entries(s.properties ?? {})) unbounded(x, `${at}.${k}`, out);
  if (s.additionalProperties && typeof s.additionalProperties === "object") unbounded(s.additionalProperties, `${at}.*`, out);
  if (s.propertyNames) unbounded(s.propertyNames, `${at}.(name)`, out);
  return out;
}

let h: InProcess;
let tools: Tool[];
beforeAll(async () => {
  h = await inProcess();
  tools = (await h.client.listTools()).tools; // the client then checks every structuredContent against the output schema
});
afterAll(() => h.close());

describe("item 18: huge input", () => {
  it("every string, array and open object of every input schema has a maximum", () => {
    const open = tools.flatMap((t) => unbounded(t.inputSchema as Schema, t.name));
    expect(open).toEqual([]);
  });

  const URL = "https://crm.example.com/x";
  const many = (n: number, f: (i: number) => string | number) => Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, string, Record<string, unknown>][] = [
    ["set_alt_url", "lists", { campaign_id: "2001", statuses: ["SALE"], url: URL, lists: many(150_000, (i) => 1000 + i) }],
    ["set_alt_url", "statuses", { campaign_id: "2001", statuses: many(130_000, (i) => `S${i}`), url: URL }],
    ["copy_alt_urls", "to_campaign_ids", { from_campaign_id: "2001", to_campaign_ids: many(150_000, (i) => String(i)) }],
    ["set_alt_url", "url", { campaign_id: "2001", statuses: ["SALE"], url: `${URL}?q=${"a".repeat(200_000)}` }],
    [
      "preview_dispo_urls",
      "sample_lead",
      { campaign_id: "2001", status: "SALE", sample_lead: Object.fromEntries(many(150_000, (i) => `v${i}`).map((k) => [k, "x"])) },
    ],
  ];

  it.each(cases)("%s with a huge %s is refused at once, naming the field, and another client's call goes on", async (tool, field, args) => {
    // A second client of the same server process (one VICIdial connection, one login gate).
    const other = new Client({ name: "other", version: "1.0.0" });
    const server = createServer(h.services);
    const [a, b] = InMemoryTransport.createLinkedPair();
    await Promise.all([server.connect(a), other.connect(b)]);
    try {
      const before = h.sandbox.stats().requests;
      const started = Date.now();
      const huge = call(h.client, tool, args).then((r) => ({ r, ms: Date.now() - started }));
      const small = call(other, "list_campaigns").then((r) => ({ r, ms: Date.now() - started }));
      const [big, quick] = await Promise.all([huge, small]);
      expect(big.r.structured.error).toMatchObject({ code: "INVALID_INPUT", field });
      expect(big.r.structured.error!.fix).toMatch(/schema|at most|Give/i);
      expect(quick.r.isError).toBe(false);
      // Generous bounds for a busy 2-core machine; the refusal itself takes milliseconds.
      expect(big.ms).toBeLessThan(2000);
      expect(quick.ms).toBeLessThan(2000);
      expect(h.sandbox.stats().requests - before).toBeLessThanOrEqual(1); // list_campaigns' own request, nothing for the refusal
    } finally {
      await other.close();
      await server.close();
    }
  });
});

describe("item 19: ids sent as numbers", () => {
  const ID_FIELDS = ["campaign_id", "from_campaign_id", "agent_campaign_id", "list_id"];

  it("every id field of every tool admits a number in its schema", () => {
    const refused: string[] = [];
    for (const t of tools) {
      const props = (t.inputSchema as Schema).properties ?? {};
      for (const [name, p] of Object.entries(props)) {
        const s = name === "to_campaign_ids" || name === "lists" ? p.items! : p;
        if (!ID_FIELDS.includes(name) && name !== "to_campaign_ids" && name !== "lists") continue;
        if (!(s.anyOf ?? [s]).some((x) => admits(x, "integer") || admits(x, "number"))) refused.push(`${t.name}.${name}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it("is taken as its digits by every tool that names an entry", async () => {
    const calls: [string, Record<string, unknown>][] = [
      ["list_alt_urls", { campaign_id: 2001 }],
      ["list_alt_urls", { campaign_id: 101, entry_type: "list", url_type: "noagent" }],
      ["preview_dispo_urls", { campaign_id: 2001, status: "SALE", list_id: 101 }],
      ["preview_dispo_urls", { campaign_id: "OVERFLOW", entry_type: "ingroup", status: "SALE", agent_campaign_id: 2001 }],
      ["set_alt_url", { campaign_id: 2001, statuses: ["NUM"], url: "https://crm.example.com/n", lists: [101, 102], dry_run: true }],
      ["enable_alt_url", { campaign_id: 2001, id: 3, dry_run: true }],
      ["disable_alt_url", { campaign_id: 2001, id: 1, dry_run: true }],
      ["delete_alt_url", { campaign_id: 2001, id: 3, dry_run: true }],
      ["enable_alt_url_mode", { campaign_id: 2002, dry_run: true }],
      ["copy_alt_urls", { from_campaign_id: 2001, to_campaign_ids: [3001], dry_run: true }],
      ["test_alt_url", { campaign_id: 2001, id: 1, timeout_ms: 100 }],
    ];
    for (const [tool, args] of calls) {
      const r = await call(h.client, tool, args);
      expect(r.structured.error?.code === "INVALID_INPUT" ? r.text : "taken", `${tool} ${JSON.stringify(args)}`).toBe("taken");
      const text = JSON.stringify(r.structured);
      expect(text).not.toMatch(/"campaign_id":2001|"from_campaign_id":2001/);
    }
    const set = await call(h.client, "set_alt_url", {
      campaign_id: 2001,
      statuses: ["NUM"],
      url: "https://crm.example.com/n",
      lists: [101],
    });
    expect(set.structured).toMatchObject({ action: "created", alt_url: { campaign_id: "2001", lists: ["101"] } });
  });
});

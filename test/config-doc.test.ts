/**
 * Configuration documents, checked before anything is sent: YAML and JSON,
 * defaults, every value by set_alt_url's rules for the entry's way in, the
 * path and fix of every problem, duplicate status sets and entries, and an
 * exported document read back as it was written.
 */
import { describe, expect, it } from "vitest";
import { ToolError } from "../src/common/errors.js";
import { type ConfigDocument, type ValidateOptions, validateDocument } from "../src/domain/configDoc.js";
import { documentYaml, type ExportEntry } from "../src/domain/configExport.js";
import { parseDocumentText } from "../src/domain/configYaml.js";

const policy = { requireHttps: false, allowedHosts: null };
const opts: ValidateOptions = { policyFor: () => policy, allowCredentialVariables: false };

/** Only the default system is configured. */
function defaultOnly(name: string | undefined) {
  if (name === undefined) return policy;
  throw new ToolError({
    code: "INVALID_INPUT",
    field: "system",
    message: `system: "${name}" is not a configured VICIdial system.`,
    cause: "-",
    fix: "Use one of: default.",
  });
}

async function load(text: string, o = opts): Promise<ConfigDocument> {
  return validateDocument(await parseDocumentText(text), o);
}

async function problems(text: string, o = opts): Promise<{ field: string; paths: string[]; error: ToolError }> {
  try {
    await load(text, o);
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    const e = err as ToolError;
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.fix.length).toBeGreaterThan(10);
    const list = (e.details?.structured.problems as { path: string }[] | undefined) ?? [{ path: e.field! }];
    return { field: e.field!, paths: list.map((p) => p.path), error: e };
  }
  throw new Error("expected the document to be refused");
}

const doc = (...lines: string[]) => ["version: 1", "entries:", ...lines].join("\n");

describe("reading a document", () => {
  it("fills in every default, as a new row gets them, by the entry's way in", async () => {
    const d = await load(
      doc(
        '  - campaign_id: "2001"',
        "    alt_urls:",
        "      - statuses: [SALE, PSALE]",
        "        url: https://crm.example.com/sale",
        "  - campaign_id: SALESLINE",
        "    entry_type: ingroup",
        "    url_type: noagent",
        "    prune: true",
        "    alt_urls:",
        "      - statuses: [DROP]",
        "        url: https://crm.example.com/drop",
        "        lists: [101, '102']",
      ),
    );
    expect(d.entries).toMatchObject([
      { path: "entries[0]", campaign_id: "2001", entry_type: "campaign", url_type: "dispo", prune: false, system: undefined },
      { path: "entries[1]", campaign_id: "SALESLINE", entry_type: "ingroup", url_type: "noagent", prune: true },
    ]);
    expect(d.entries[0]!.rows[0]!.values).toEqual({
      url: "https://crm.example.com/sale",
      statuses: ["SALE", "PSALE"],
      active: true,
      rank: 1,
      description: "",
      lists: [],
      min_call_length: 0,
    });
    // The admin page refuses a row without a description: a new one there is described by its statuses.
    expect(d.entries[1]!.rows[0]!.values).toMatchObject({ description: "DROP", lists: ["101", "102"] });
  });

  it("takes JSON as well as YAML", async () => {
    const d = await load(
      JSON.stringify({ version: 1, entries: [{ campaign_id: 3001, alt_urls: [{ statuses: ["SALE"], url: "https://x.example.com/" }] }] }),
    );
    expect(d.entries[0]!.campaign_id).toBe("3001");
  });

  it("percent-encodes what VICIdial would drop from a URL, with a warning naming the row", async () => {
    const d = await load(
      doc('  - campaign_id: "2001"', "    alt_urls:", "      - statuses: [SALE]", "        url: https://crm.example.com/a b"),
    );
    expect(d.entries[0]!.rows[0]!.values.url).toBe("https://crm.example.com/a%20b");
    expect(d.warnings.join("\n")).toMatch(/^entries\[0\]\.alt_urls\[0\]: /);
  });

  it("reads back an exported document exactly as it was written", async () => {
    const entries: ExportEntry[] = [
      {
        campaign_id: "2001",
        entry_type: "campaign",
        url_type: "dispo",
        prune: true,
        alt_urls: [
          {
            statuses: ["---ALL---"],
            url: "https://log.example.com/d?c=--A--campaign--B--&x=a: b #c",
            active: false,
            rank: 4,
            description: "yes",
            lists: ["0101"],
            min_call_length: 30,
          },
          {
            statuses: ["NO", "TRUE", "Y"],
            url: "https://crm.example.com/",
            active: true,
            rank: 1,
            description: "null",
            lists: [],
            min_call_length: 0,
          },
        ],
      },
    ];
    const text = await documentYaml(entries, { system: null });
    expect(text).toContain("statuses: [---ALL---]");
    const raw = (await parseDocumentText(text)) as { entries: ExportEntry[] };
    expect(raw.entries).toEqual(entries);
  });
});

describe("refusing a document, naming each problem's path and its fix", () => {
  it("names the path of a value set_alt_url would refuse", async () => {
    const p = await problems(
      doc(
        '  - campaign_id: "2001"',
        "    alt_urls:",
        "      - statuses: [SALE]",
        "        url: https://crm.example.com/ok",
        "      - statuses: [PSALE]",
        "        url: 'https://crm.example.com/b#frag'",
      ),
    );
    expect(p.field).toBe("entries[0].alt_urls[1].url");
    expect(p.error.fix).toContain('"https://crm.example.com/b"');
    expect(p.error.message).toMatch(/^entries\[0\]\.alt_urls\[1\]\.url: /);
  });

  it("lists every problem, with the first as the error", async () => {
    const p = await problems(
      doc(
        "  - campaign_id: '2001'",
        "    url_type: addlead",
        "    alt_urls:",
        "      - statuses: SALE",
        "        urll: https://x.example.com",
        "      - {statuses: [SALE], url: 'https://x.example.com/?p=--A--pass--B--', rank: 0}",
        "  - campaign_id: SALESLINE",
        "    entry_type: ingroup",
        "    alt_urls:",
        "      - statuses: [SALE]",
        "        url: https://x.example.com",
        "        description: ''",
        "  - entry_type: list",
        "    alt_urls: []",
      ),
    );
    expect(p.paths).toEqual([
      "entries[0].url_type",
      "entries[0].alt_urls[0].urll",
      "entries[0].alt_urls[0].statuses",
      "entries[0].alt_urls[0].url",
      "entries[0].alt_urls[1].url",
      "entries[1].alt_urls[0].description",
      "entries[2].url_type", // a list's only URL type is noagent, and the default is dispo
      "entries[2].campaign_id",
    ]);
    expect(p.error.message).toContain("and 7 more problems");
    expect((p.error.details!.structured.problems as { fix: string }[])[1]!.fix).toContain("statuses, url, active");
  });

  it("takes credential variables only when allowed, as set_alt_url does", async () => {
    const text = doc(
      "  - campaign_id: '2001'",
      "    alt_urls:",
      "      - {statuses: [SALE], url: 'https://x.example.com/?p=--A--pass--B--'}",
    );
    expect((await problems(text)).error.fix).toContain("allow_credential_variables");
    await expect(load(text, { ...opts, allowCredentialVariables: true })).resolves.toBeDefined();
  });

  it("refuses two rows of one entry with the same status set, in any order", async () => {
    const p = await problems(
      doc(
        "  - campaign_id: '2001'",
        "    alt_urls:",
        "      - {statuses: [SALE, PSALE], url: 'https://a.example.com/'}",
        "      - {statuses: [PSALE, SALE], url: 'https://b.example.com/'}",
      ),
    );
    expect(p.field).toBe("entries[0].alt_urls[1].statuses");
    expect(p.error.message).toContain("entries[0].alt_urls[0].statuses");
  });

  it("refuses the same entry and URL type twice (ids compared without case), but not two URL types of one entry", async () => {
    const p = await problems(
      doc(
        "  - {campaign_id: SALESLINE, entry_type: ingroup, alt_urls: []}",
        "  - {campaign_id: SALESLINE, entry_type: ingroup, url_type: noagent, alt_urls: []}",
        "  - {campaign_id: salesline, entry_type: ingroup, alt_urls: []}",
      ),
    );
    expect(p.paths).toEqual(["entries[2]"]);
    expect(p.error.message).toContain("entries[0]");
  });

  it("refuses a URL type the entry type does not have, an unknown system, and tutorial names with what to write", async () => {
    const p = await problems(
      doc(
        "  - {campaign_id: '101', entry_type: list, url_type: dispo, alt_urls: []}",
        "  - {ingroup_id: SALESLINE, alt_urls: []}",
        "  - {campaign_id: '2001', system: production, alt_urls: [{dispo_code: SALE, url: 'https://x.example.com'}]}",
      ),
      { ...opts, policyFor: defaultOnly },
    );
    expect(p.paths).toEqual(["entries[0].url_type", "entries[1].ingroup_id", "entries[1].campaign_id", "entries[2].system"]);
    const list = p.error.details!.structured.problems as { path: string; fix: string }[];
    expect(list[1]!.fix).toContain("entry_type: ingroup");
    expect(list[3]!.fix).toContain("default");
  });

  it("says where YAML or JSON breaks, and what a document must hold", async () => {
    const yaml = await problems("version: 1\nentries:\n  - campaign_id: '2001'\n   alt_urls: []\n");
    expect(yaml.field).toBe("document");
    expect(yaml.error.message).toMatch(/line \d+, column \d+/);
    expect((await problems('{"version": 1, "entries": [}')).error.message).toMatch(/not valid JSON/);
    expect((await problems("")).field).toBe("document");
    expect((await problems("version: 1\nentries: *nowhere")).error.message).toMatch(/not valid YAML/);
    expect((await problems("- a\n- b")).field).toBe("document");
    expect((await problems("entries: []")).paths).toEqual(["version"]);
    expect((await problems("version: 2\nentries: []\nextra: 1")).paths).toEqual(["extra", "version"]);
    // A key that is no plain name is quoted, so the path still says which one (YAML's bare "?" is an empty key).
    const odd = await problems("?");
    expect(odd.paths).toContain('""');
    expect(odd.error.message).toMatch(/^"": is not a field of a document/);
    expect((await problems("version: 1\nentries:\n  - {campaign_id: '2001', alt_urls: [], 'two words': 1}")).paths).toEqual([
      'entries[0]["two words"]',
    ]);
  });
});

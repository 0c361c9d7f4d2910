/**
 * Guarantee 3 (issue 3): template variables --A--name--B-- are checked
 * against the facts page's names, case-insensitively. Unknown names are a
 * warning saying they must be a custom field; pass and phone_pass are refused
 * unless allow_credential_variables is true; malformed markers are errors.
 * Refusals happen before any request.
 */
import { afterEach, describe, expect, it } from "vitest";
import { call, type InProcess } from "./helpers/harness.js";
import { open, storedRows } from "./safety-helpers.js";

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const set = (url: string, extra: Record<string, unknown> = {}) => ({ campaign_id: "2001", statuses: ["TPL"], url, ...extra });

async function refused(tool: string, args: Record<string, unknown>, field = "url") {
  const before = h!.sandbox.dump();
  h!.sandbox.resetStats();
  const r = await call(h!.client, tool, args);
  expect(r.structured.error?.code, r.text).toBe("INVALID_INPUT");
  expect(r.structured.error?.field).toBe(field);
  expect(h!.sandbox.stats().requests).toBe(0);
  expect(h!.sandbox.dump()).toBe(before);
  return r.structured.error!;
}

describe("known, unknown and differently cased names", () => {
  it("known names in any case pass without a warning", async () => {
    h = await open();
    const r = await call(
      h.client,
      "set_alt_url",
      set("https://crm.example.com/h?l=--A--LEAD_ID--B--&s=--A--Dispo--B--&d=--A--sqldate--B--&c=--A--camp_custom_3--B--"),
    );
    expect(r.isError, r.text).toBe(false);
    expect(r.structured.warnings).toEqual([]);
  });

  it("an unknown name is stored, with a warning that it must be a custom field (and the nearest known name)", async () => {
    h = await open();
    const r = await call(h.client, "set_alt_url", set("https://crm.example.com/h?a=--A--lead_idd--B--&b=--A--loyalty_tier--B--"));
    expect(r.isError, r.text).toBe(false);
    const warnings = r.structured.warnings as string[];
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/--A--lead_idd--B-- .*custom list field/);
    expect(warnings[0]).toContain("did you mean --A--lead_id--B--?");
    expect(warnings[1]).toMatch(/--A--loyalty_tier--B-- .*custom list field/);
    expect(storedRows(h.sandbox, "2001").some((x) => x.url_address.includes("--A--loyalty_tier--B--"))).toBe(true);
  });
});

describe("credential variables", () => {
  for (const marker of ["--A--pass--B--", "--A--phone_pass--B--", "--A--PASS--B--", "--A--Phone_Pass--B--"]) {
    it(`${marker} is refused with the reason unless allowed`, async () => {
      h = await open();
      const e = await refused("set_alt_url", set(`https://crm.example.com/h?u=--A--user--B--&p=${marker}`));
      expect(e.message).toMatch(/password into a URL it fetches and logs/);
      expect(e.fix).toContain("allow_credential_variables: true");
      expect(e.fix).toContain('"https://crm.example.com/h?u=--A--user--B--"');
    });
  }

  it("allow_credential_variables: true stores it, still with a warning", async () => {
    h = await open();
    const r = await call(
      h.client,
      "set_alt_url",
      set("https://crm.example.com/h?p=--A--phone_pass--B--", { allow_credential_variables: true }),
    );
    expect(r.isError, r.text).toBe(false);
    expect((r.structured.warnings as string[]).join("\n")).toContain("phone password into a URL that VICIdial fetches and logs");
    expect(storedRows(h.sandbox, "2001").some((x) => x.url_address === "https://crm.example.com/h?p=--A--phone_pass--B--")).toBe(true);
  });

  it("enable_alt_url_mode's preserve_url is held to the same rule", async () => {
    h = await open();
    const e = await refused(
      "enable_alt_url_mode",
      { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/d?p=--A--pass--B--" },
      "preserve_url",
    );
    expect(e.fix).toContain("allow_credential_variables");
  });
});

describe("malformed markers are errors, never sent literally", () => {
  const cases: [string, RegExp][] = [
    ["https://crm.example.com/h?l=--A--lead_id--", /opened with --A-- but not closed/],
    ["https://crm.example.com/h?l=lead_id--B--", /"--B--" without an opening "--A--"/],
    ["https://crm.example.com/h?l=--A----B--", /empty variable/],
    ["https://crm.example.com/h?l=--A--lead id--B--", /characters other than letters, digits and "_"/],
    ["https://crm.example.com/h?l=--A--lead_id--A--dispo--B--", /not closed/],
  ];
  for (const [url, why] of cases) {
    it(url, async () => {
      h = await open();
      const e = await refused("set_alt_url", set(url));
      expect(e.message).toMatch(why);
      expect(e.fix).toMatch(/--A--/);
    });
  }

  it("a malformed marker in a dry run is refused the same way", async () => {
    h = await open();
    await refused("set_alt_url", set("https://crm.example.com/h?l=--A--lead_id--", { dry_run: true }));
  });
});

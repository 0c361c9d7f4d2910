import { describe, expect, it } from "vitest";
import {
  CREDENTIAL_VARIABLES,
  checkTemplate,
  fillTemplate,
  findVariables,
  KNOWN_VARIABLES,
  phpUrlencode,
  VARIABLE_REFERENCE,
} from "../src/domain/templateVars.js";
import { refusal } from "./helpers/assertions.js";

const noCreds = { allowCredentialVariables: false };

describe("variable lists", () => {
  it("holds every name of the facts page, with the numbered custom fields expanded", () => {
    for (const n of [
      "lead_id",
      "phone_number",
      "owner",
      "user",
      "fronter",
      "closer",
      "SQLdate",
      "SIPexten",
      "in_script",
      "dispo",
      "callback_datetime",
      "did_id",
      "did_description",
    ]) {
      expect(KNOWN_VARIABLES).toContain(n);
    }
    for (let i = 1; i <= 5; i++) {
      expect(KNOWN_VARIABLES).toContain(`camp_custom_${i}`);
      expect(KNOWN_VARIABLES).toContain(`ig_custom_${i}`);
      expect(KNOWN_VARIABLES).toContain(`did_custom_${i}`);
    }
    expect(new Set(KNOWN_VARIABLES).size).toBe(KNOWN_VARIABLES.length);
    expect(CREDENTIAL_VARIABLES).toEqual(["pass", "phone_pass"]);
  });

  it("the reference has a description and group for each known name", () => {
    expect(VARIABLE_REFERENCE.map((v) => v.name)).toEqual([...KNOWN_VARIABLES]);
    for (const v of VARIABLE_REFERENCE) {
      expect(v.description.length).toBeGreaterThan(2);
      expect(["lead", "agent", "call", "disposition", "custom"]).toContain(v.group);
    }
  });
});

describe("findVariables", () => {
  it("finds markers case-insensitively, once each, with their group", () => {
    const vars = findVariables(
      "https://x.example.com/?l=--A--lead_id--B--&s=--a--DISPO--b--&l2=--A--Lead_ID--B--&d=--A--sqldate--B--&c=--A--my_field--B--",
    );
    expect(vars).toEqual([
      { name: "lead_id", known: true, credential: false, group: "lead" },
      { name: "dispo", known: true, credential: false, group: "disposition" },
      { name: "SQLdate", known: true, credential: false, group: "call" },
      { name: "my_field", known: false, credential: false, group: "unknown" },
    ]);
  });

  it("marks credential variables", () => {
    expect(findVariables("https://x/?p=--A--phone_pass--B--")[0]).toMatchObject({ name: "phone_pass", credential: true, group: "agent" });
  });
});

describe("checkTemplate", () => {
  it("accepts known variables without warnings", () => {
    const r = checkTemplate("https://crm.example.com/?lead=--A--lead_id--B--&phone=--A--phone_number--B--", noCreds);
    expect(r.warnings).toEqual([]);
    expect(r.variables.map((v) => v.name)).toEqual(["lead_id", "phone_number"]);
  });

  it("accepts URLs without markers", () => {
    expect(checkTemplate("https://crm.example.com/a---b", noCreds)).toEqual({ variables: [], warnings: [] });
  });

  it("warns on unknown names (custom field) and suggests a close known name", () => {
    const r = checkTemplate("https://x/?l=--A--lead_idd--B--&c=--A--insurance_type--B--", noCreds);
    expect(r.warnings[0]).toMatch(/custom list field/);
    expect(r.warnings[0]).toContain("--A--lead_id--B--");
    expect(r.warnings[1]).toMatch(/custom list field/);
    expect(r.warnings[1]).not.toMatch(/did you mean/);
  });

  it("refuses pass and phone_pass unless allowed", () => {
    const err = refusal(() => checkTemplate("https://x.example.com/?u=--A--user--B--&p=--A--pass--B--", noCreds));
    expect(err.message).toMatch(/password/);
    expect(err.message).toMatch(/logs/);
    expect(err.fix).toContain('"https://x.example.com/?u=--A--user--B--"');
    expect(err.fix).toContain("allow_credential_variables");
    refusal(() => checkTemplate("https://x/?p=--A--PHONE_PASS--B--", noCreds));
    const ok = checkTemplate("https://x/?p=--A--pass--B--", { allowCredentialVariables: true });
    expect(ok.variables[0]?.credential).toBe(true);
    expect(ok.warnings[0]).toMatch(/password/);
  });

  it("refuses an unclosed marker, naming the fragment", () => {
    const err = refusal(() => checkTemplate("https://x/?id=--A--lead_id--&s=1", noCreds));
    expect(err.message).toContain('"--A--lead_id--"');
    expect(err.fix).toContain("--A--lead_id--B--");
    refusal(() => checkTemplate("https://x/?id=--A--lead_id", noCreds));
    refusal(() => checkTemplate("https://x/?id=--A--lead_id&b=--A--dispo--B--", noCreds));
  });

  it("refuses --B-- without --A--", () => {
    expect(refusal(() => checkTemplate("https://x/?id=lead_id--B--", noCreds)).message).toContain("--B--");
  });

  it("refuses an empty name", () => {
    expect(refusal(() => checkTemplate("https://x/?id=--A----B--", noCreds)).message).toContain("--A----B--");
  });

  it("refuses names with other characters", () => {
    const err = refusal(() => checkTemplate("https://x/?n=--A--first-name--B--", noCreds));
    expect(err.message).toContain("--A--first-name--B--");
    expect(err.fix).toContain("--A--first_name--B--");
  });

  it("names the field given", () => {
    expect(refusal(() => checkTemplate("--B--", noCreds, "preserve_url")).field).toBe("preserve_url");
  });
});

describe("fillTemplate / phpUrlencode", () => {
  it("encodes like PHP urlencode", () => {
    expect(phpUrlencode("José Pérez & co.~")).toBe("Jos%C3%A9+P%C3%A9rez+%26+co.%7E");
    expect(phpUrlencode("a-b_c.d")).toBe("a-b_c.d");
  });

  it("fills markers case-insensitively and lists missing values", () => {
    const r = fillTemplate("https://x/?l=--A--lead_id--B--&n=--a--First_Name--b--&e=--A--email--B--&l2=--A--LEAD_ID--B--", {
      LEAD_ID: 42,
      first_name: "Ann Lee",
    });
    expect(r.url).toBe("https://x/?l=42&n=Ann+Lee&e=&l2=42");
    expect(r.filled).toEqual(["lead_id", "first_name"]);
    expect(r.missing).toEqual(["email"]);
  });

  it("leaves a URL without markers alone", () => {
    expect(fillTemplate("https://x/a", { lead_id: 1 })).toEqual({ url: "https://x/a", filled: [], missing: [] });
  });
});

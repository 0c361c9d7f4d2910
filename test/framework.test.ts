/** Bad input gets INVALID_INPUT naming the field and the fix, and nothing is sent. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redactor } from "../src/common/redact.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";

let env: InProcess;
beforeAll(async () => {
  env = await inProcess();
});
afterAll(async () => env.close());

describe("argument validation", () => {
  it("reports the field and the fix in the contract's error shape, sending nothing", async () => {
    env.sandbox.resetStats();
    const cases: [string, Record<string, unknown>, string][] = [
      ["list_alt_urls", { campaign_id: "x" }, "campaign_id"],
      ["list_alt_urls", { campaign_id: "2001", url_type: "addlead" }, "url_type"],
      ["set_alt_url", { campaign_id: "2001", statuses: "SALE", url: "https://a.example.com/" }, "statuses"],
      ["set_alt_url", { campaign_id: "2001", statuses: ["SALE"] }, "url"],
      ["enable_alt_url", { campaign_id: "2001", id: -1 }, "id"],
    ];
    for (const [tool, args, field] of cases) {
      const r = await call(env.client, tool, args);
      expect(r.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field });
      expect(r.structured.error!.fix.length).toBeGreaterThan(10);
      expect(r.text).toMatch(/^Error INVALID_INPUT/);
    }
    expect(env.sandbox.stats().requests).toBe(0);
  });

  it("maps the tutorial's argument names to the real ones", async () => {
    const r = await call(env.client, "set_alt_url", { campaign_id: "2001", dispo_code: "SALE", alt_url: "https://crm.example.com/" });
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT" });
    expect(r.structured.error!.fix).toMatch(/statuses|url/);
    const d = await call(env.client, "disable_alt_url", { campaign_id: "2001", id: 1, delete_url: "Y" });
    expect(d.structured.error!.fix).toMatch(/delete_alt_url/);
  });
});

describe("redaction", () => {
  const r = new Redactor();
  it("masks the password where VICIdial echoes it and where our requests carry it", () => {
    expect(r.text("ERROR: Login incorrect, please try again: |6666|s3crtpw|BAD|")).toBe(
      "ERROR: Login incorrect, please try again: |6666|***|BAD|",
    );
    expect(r.text("Login incorrect, please try again: |u|anything-else|BAD|")).toBe("Login incorrect, please try again: |u|***|BAD|");
    expect(r.text("GET /vicidial/non_agent_api.php?user=6666&pass=s3cr%23t%3Bpw&function=version")).not.toMatch(/s3cr/);
    expect(r.text("GET /vicidial/non_agent_api.php?user=6666&pass=other&function=version")).toContain("pass=***");
    expect(r.text("authorization: Basic NjY2NjpzZWNyZXQ=")).toBe("authorization: Basic ***");
    // An Alt URL's own pass= parameter is the customer's data, not our secret.
    expect(r.text("https://crm.example.com/hook?pass=crmtoken42")).toBe("https://crm.example.com/hook?pass=crmtoken42");
  });

  it("never masks ordinary text that happens to equal the password", () => {
    // A password such as 2001 or https would otherwise turn campaign ids and URLs into garbage.
    expect(r.text("campaign 2001 at https://crm.example.com/dispo")).toBe("campaign 2001 at https://crm.example.com/dispo");
    expect(r.value({ a: ["2001"], b: { c: "campaign" } })).toEqual({ a: ["2001"], b: { c: "campaign" } });
  });
});

/**
 * Every answer shape of vicidial-api.md, and every answer recorded in the
 * transcript, maps to the right data or error code; unknown text is
 * UNEXPECTED_RESPONSE, never a crash.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyLine } from "../src/client/catalogue.js";
import {
  parseAltModeProbe,
  parseAltUrlList,
  parseAltUrlWrite,
  parseCampaignsList,
  parseCampaignUpdate,
  parseVersion,
} from "../src/client/parse.js";
import { parseAdminAnswer } from "../src/client/parseAdmin.js";
import type { HttpResponse } from "../src/client/transport.js";
import { ToolError } from "../src/common/errors.js";

const API_CT = "text/html; charset=utf-8";
const res = (body: string, status = 200): HttpResponse => ({ status, contentType: API_CT, body });

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolError);
    return (err as ToolError).code;
  }
  return "no error";
}

describe("the error catalogue", () => {
  const cases: [string, string][] = [
    ["ERROR: Invalid Source - x", "VICIDIAL_ERROR"],
    ["ERROR: Login incorrect, please try again: |6666|wrong|BAD|", "AUTH_FAILED"],
    ["ERROR: INVALID USERNAME OR PASSWORD", "AUTH_FAILED"],
    ["ERROR: Too many login attempts, try again in 15 minutes: |apilow|LOCK|", "ACCOUNT_LOCKED"],
    ["ERROR: Your IP Address is not allowed: 10.1.2.3: |6666|IPBLOCK|", "IP_NOT_ALLOWED"],
    ["ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |nofunc|update_alt_url|", "PERMISSION_DENIED"],
    ["ERROR: USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION", "PERMISSION_DENIED"],
    ["ERROR: update_alt_url USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |apilow|0", "PERMISSION_DENIED"],
    ["ERROR: update_campaign USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |apilow|0", "PERMISSION_DENIED"],
    ["ERROR: campaigns_list USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: |noapi|0|", "PERMISSION_DENIED"],
    ["ERROR: update_alt_url YOU MUST USE ALL REQUIRED FIELDS: |6666|A||A", "INVALID_INPUT"],
    ["ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |6666|NOPE", "CAMPAIGN_NOT_FOUND"],
    ["ERROR: update_campaign CAMPAIGN DOES NOT EXIST: |6666|NOPE", "CAMPAIGN_NOT_FOUND"],
    ["ERROR: CAMPAIGN NOT FOUND", "CAMPAIGN_NOT_FOUND"],
    ["ERROR: update_alt_url NO VALID URL TYPE DEFINED:: |6666|bogus|campaign|ALTTEST", "INVALID_INPUT"],
    ["ERROR: update_alt_url NO ENTRY TYPE DEFINED:: |6666||ALTTEST", "INVALID_INPUT"],
    ["ERROR: update_alt_url CAMPAIGNS dispo URL IS NOT SET TO ALT: |6666|dispo|campaign|NOALT", "ALT_MODE_OFF"],
    ["ERROR: update_alt_url ALT URL ID DOES NOT EXIST: |6666|999|dispo|campaign|ALTTEST|2", "ALT_URL_NOT_FOUND"],
    ["ERROR: update_alt_url ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD: |6666|X", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL ADDRESS IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|abcd", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL RANK IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|123456", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL CAL LENGTH IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|123456", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL STATUSES IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|x", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL DESCRIPTION IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|DDD", "INVALID_INPUT"],
    ["ERROR: update_alt_url URL LISTS IS NOT VALID, THIS IS AN OPTIONAL FIELD: |6666|x", "INVALID_INPUT"],
    ["ERROR: NO FUNCTION SPECIFIED", "VICIDIAL_ERROR"],
    ["You do not have permissions to modify campaigns", "PERMISSION_DENIED"],
    ["This URL is not set ALTcampaign|dispo|Dispo Call", "ALT_MODE_OFF"],
    ["ERROR: URL entry must be set to not active before you delete it:  |1|ALTTEST|campaign|dispo|", "ALT_URL_NOT_FOUND"],
    ["ERROR: You must fill in all fields:  ||ALTTEST|campaign|dispo|", "INVALID_INPUT"],
    ["ERROR: no entry type defined:", "INVALID_INPUT"],
  ];

  it.each(cases)("%s -> %s, with a cause and a fix", (line, code) => {
    const err = classifyLine(line);
    expect(err?.code).toBe(code);
    expect(err!.reason.length).toBeGreaterThan(20);
    expect(err!.fix.length).toBeGreaterThan(20);
    expect(err!.vicidialResponse).toBe(line);
  });

  it("names the admin screen and setting in permission fixes", () => {
    expect(classifyLine(cases[7]![0])!.fix).toMatch(/Modify Campaigns" = 1/);
    expect(classifyLine(cases[7]![0])!.fix).toMatch(/API Access" = 1/);
    expect(classifyLine(cases[7]![0])!.fix).toMatch(/User Level 8/);
    expect(classifyLine(cases[5]![0])!.fix).toMatch(/API Allowed Functions/);
    expect(classifyLine(cases[9]![0])!.fix).toMatch(/View Reports" = 1/);
    expect(classifyLine(cases[16]![0])!.fix).toMatch(/Dispo Call URL/);
    expect(classifyLine(cases[1]![0])!.fix).toMatch(/Active = Y/);
  });

  it("only transient problems are retryable", () => {
    for (const [line] of cases) expect(classifyLine(line)!.retryable).toBe(false);
  });

  it("knows nothing of unrelated text", () => {
    expect(classifyLine("<html>Welcome to our portal</html>")).toBeNull();
  });
});

describe("LIST", () => {
  it("reads rows with and without the header", () => {
    const header =
      "url_id|campaign_id|entry_type|active|url_type|url_rank|url_statuses|url_description|url_lists|url_call_length|url_address\n";
    const line = "1|ALTTEST|campaign|Y|dispo|1|SALE|Sale CRM||0|https://crm.example.com/lead?id=--A--lead_id--B--\n";
    for (const body of [header + line, line]) {
      const { rows } = parseAltUrlList(res(body));
      expect(rows).toEqual([
        {
          url_id: "1",
          campaign_id: "ALTTEST",
          entry_type: "campaign",
          active: "Y",
          url_type: "dispo",
          url_rank: "1",
          url_statuses: "SALE",
          url_description: "Sale CRM",
          url_lists: "",
          url_call_length: "0",
          url_address: "https://crm.example.com/lead?id=--A--lead_id--B--",
        },
      ]);
    }
  });

  it("No Records Found is an empty list", () => {
    expect(parseAltUrlList(res("NOTICE: update_alt_url LIST, No Records Found - 6666|dispo|campaign|ALTTEST|0\n")).rows).toEqual([]);
  });

  it("pieces a row back together when a stored line break split it (the backslash defect)", () => {
    const body =
      "11|ALTTEST|campaign|N|dispo|1||amp||0|https://x.example.com/caf?a=1&b=2\n12|ALTTEST|campaign|N|dispo|1||x\ny||0|\n13|ALTTEST|campaign|N|dispo|1|SALE DNC XFER|multi||0|\n";
    const { rows, repaired } = parseAltUrlList(res(body));
    expect(rows.map((r) => r.url_id)).toEqual(["11", "12", "13"]);
    expect(rows[1]!.url_description).toBe("x\ny");
    expect(repaired).toEqual([12]);
  });

  it("an error line is an error, not an empty list", () => {
    expect(codeOf(() => parseAltUrlList(res("ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |6666|NOPE\n")))).toBe("CAMPAIGN_NOT_FOUND");
    expect(codeOf(() => parseAltUrlList(res("ERROR: Login incorrect, please try again: |6666|x|BAD|\n")))).toBe("AUTH_FAILED");
  });

  it("garbage, HTML and truncated rows are UNEXPECTED_RESPONSE", () => {
    expect(codeOf(() => parseAltUrlList(res("<html><body>Gateway error</body></html>")))).toBe("UNEXPECTED_RESPONSE");
    expect(codeOf(() => parseAltUrlList(res("1|ALTTEST|campaign|Y|dis")))).toBe("UNEXPECTED_RESPONSE");
    expect(codeOf(() => parseAltUrlList(res("")))).toBe("UNEXPECTED_RESPONSE");
    expect(codeOf(() => parseAltUrlList(res("\u0000\u00ff\u00fe garbage")))).toBe("UNEXPECTED_RESPONSE");
  });
});

describe("writes", () => {
  it("NEW URL ID", () => {
    expect(parseAltUrlWrite(res("SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - 6666|NEW URL ID: 9|dispo|campaign|NOALT\n"))).toEqual({
      kind: "added",
      id: 9,
    });
  });
  it("UPDATED names the row really changed, or none", () => {
    expect(parseAltUrlWrite(res("SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - 6666|2|dispo|campaign|ALTTEST\n"))).toEqual({
      kind: "updated",
      id: 2,
    });
    expect(parseAltUrlWrite(res("SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - 6666||dispo|campaign|ALTTEST\n"))).toEqual({
      kind: "updated",
      id: null,
    });
  });
  it("NO UPDATES DEFINED", () => {
    expect(parseAltUrlWrite(res("NOTICE: update_alt_url NO UPDATES DEFINED: |6666|\n"))).toEqual({ kind: "no_updates" });
  });
  it("HTTP 500 with an empty body is a VICIdial fault", () => {
    expect(codeOf(() => parseAltUrlWrite(res("", 500)))).toBe("VICIDIAL_ERROR");
  });
  it("HTTP 418 and other statuses are not success", () => {
    expect(codeOf(() => parseAltUrlWrite(res("Coffee: coffee|Error 418 I'm a teapot", 418)))).toBe("VICIDIAL_ERROR");
    expect(codeOf(() => parseAltUrlWrite(res("Bad gateway", 502)))).toBe("UNEXPECTED_RESPONSE");
  });
  it("an empty 200 body is UNEXPECTED_RESPONSE", () => {
    expect(codeOf(() => parseAltUrlWrite(res("")))).toBe("UNEXPECTED_RESPONSE");
  });
});

describe("the ALT mode probe (alt_url_id=0)", () => {
  it("tells ALT from not ALT", () => {
    expect(parseAltModeProbe(res("NOTICE: update_alt_url NO UPDATES DEFINED: |6666|\n"))).toBe(true);
    expect(parseAltModeProbe(res("ERROR: update_alt_url ALT URL ID DOES NOT EXIST: |6666|0|dispo|campaign|ALTTEST|2\n"))).toBe(true);
    expect(parseAltModeProbe(res("ERROR: update_alt_url CAMPAIGNS dispo URL IS NOT SET TO ALT: |6666|dispo|campaign|NOALT\n"))).toBe(false);
  });
  it("other answers are errors", () => {
    expect(codeOf(() => parseAltModeProbe(res("ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |6666|X\n")))).toBe("CAMPAIGN_NOT_FOUND");
  });
});

describe("update_campaign, campaigns_list, version", () => {
  it("update_campaign", () => {
    expect(parseCampaignUpdate(res("SUCCESS: update_campaign CAMPAIGN HAS BEEN UPDATED - 6666|NOALT\n"))).toEqual({ kind: "updated" });
    expect(parseCampaignUpdate(res("NOTICE: update_campaign NO UPDATES DEFINED: |6666|\n"))).toEqual({ kind: "no_updates" });
  });
  it("campaigns_list with and without header", () => {
    const header =
      "campaign_id|campaign_name|active|user_group|dial_method|dial_level|lead_order|dial_statuses|dial_timeout|dial_prefix|manual_dial_prefix|three_way_dial_prefix\n";
    const rows =
      "ALTTEST|Alt URL test campaign|Y|---ALL---|MANUAL|0||NEW|60|9||\nNOALT|Campaign without ALT|Y|---ALL---|MANUAL|0||NEW|60|9||\n";
    for (const body of [header + rows, rows]) {
      const list = parseCampaignsList(res(body));
      expect(list.map((c) => c.campaign_id)).toEqual(["ALTTEST", "NOALT"]);
      expect(list[0]!.campaign_name).toBe("Alt URL test campaign");
    }
  });
  it("version", () => {
    expect(
      parseVersion(
        res("VERSION: 2.14-202|BUILD: 250720-1841|DATE: 2026-11-27 10:51:48|EPOCH: 1795776708|DST: 0|TZ: -5.00|TZNOW: -5.00|\n"),
      ),
    ).toEqual({
      version: "2.14-202",
      build: "250720-1841",
      date: "2026-11-27 10:51:48",
      epoch: 1795776708,
      utcOffsetHours: -5,
    });
  });
});

describe("the admin page", () => {
  const ctx = { what: "x", entryType: "campaign", urlType: "dispo", campaignId: "ALTTEST" };
  const page = (inner: string, name = "Alt URL test campaign") =>
    `<html><head><title>ADMINISTRATION: URL Multi Entry ALTTEST - ${name}</title></head><body>${"<td>menu</td>".repeat(4000)}<TR><TD ALIGN=LEFT COLSPAN=2>\n${inner}\n\n\n<br><br><br>\n<font size=1> runtime: 0.1 seconds</body></html>`;
  const listing =
    '<TABLE><TR><TD>\n<FONT FACE="ARIAL,HELVETICA" COLOR=BLACK SIZE=2><br>Alternate URL Form<center><TABLE width=1020 cellspacing=3>\n</table></center><br>\n';
  it("each outcome of the page's answers", () => {
    expect(parseAdminAnswer(res("ERROR: ID not defined:"), ctx)).toEqual({ kind: "probe_ok" });
    expect(parseAdminAnswer(res(page(`<BR><b>1 MULTI URL DELETED (ID: 7)</b><BR><BR>${listing}`)), ctx)).toMatchObject({
      kind: "listing",
      notice: "deleted",
      noticeId: 7,
    });
    const code = (body: string, status = 200) => {
      const out = parseAdminAnswer(res(body, status), ctx);
      return out.kind === "error" ? out.error.code : out.kind;
    };
    expect(code("Login incorrect, please try again: |6666|nope|BAD|\n", 401)).toBe("AUTH_FAILED");
    expect(code("You do not have permissions to modify campaigns\n")).toBe("PERMISSION_DENIED");
    expect(code("Too many login attempts, try again in 15 minutes: |6666|LOCK|\n")).toBe("ACCOUNT_LOCKED");
    expect(code("Your IP Address is not allowed: 10.0.0.9: |6666|IPBLOCK|\n")).toBe("IP_NOT_ALLOWED");
    expect(code("ERROR: no entry type defined:")).toBe("INVALID_INPUT");
    expect(code(page("ERROR: You must fill in all fields:  ||ALTTEST|campaign|dispo|\n<BR>"))).toBe("INVALID_INPUT");
    expect(code(page("This URL is not set ALTcampaign|dispo|Dispo Call"))).toBe("not_alt");
    expect(parseAdminAnswer(res(page("This URL is not set ALTcampaign|dispo|Dispo Call", "")), ctx)).toMatchObject({ exists: false });
    expect(code(page(`ERROR: URL entry must be set to not active before you delete it:  |1|ALTTEST|campaign|dispo|\n<BR>${listing}`))).toBe(
      "listing",
    );
    expect(code(page(""))).toBe("stopped");
    expect(code(page("<p>something else entirely</p>"))).toBe("UNEXPECTED_RESPONSE");
    expect(code("", 500)).toBe("VICIDIAL_ERROR");
  });
});

describe("every answer recorded from a real VICIdial parses without crashing", () => {
  const transcript = JSON.parse(readFileSync(new URL("./fixtures/vicidial-transcript.json", import.meta.url), "utf8")) as {
    requests: {
      n: number | null;
      desc: string;
      path: string;
      status: number;
      body?: string;
      body_example?: string;
      params: [string, string][];
    }[];
  };
  const parsers = [parseAltUrlList, parseAltUrlWrite, parseCampaignsList, parseCampaignUpdate, parseVersion];
  it.each(transcript.requests.map((r, i) => [i, r.desc, r] as const))("#%i %s", (_i, _d, r) => {
    const body = r.body ?? r.body_example ?? "";
    for (const parse of parsers) {
      try {
        parse(res(body, r.status));
      } catch (err) {
        // Anything that is not data must be a ToolError with a known code, never a TypeError.
        expect(err).toBeInstanceOf(ToolError);
      }
    }
    if (r.path.endsWith("admin_url_multi.php")) {
      expect(() =>
        parseAdminAnswer(res(body, r.status), { what: "x", entryType: "campaign", urlType: "dispo", campaignId: "ALTTEST" }),
      ).not.toThrow();
    }
  });
});

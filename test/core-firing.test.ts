import { describe, expect, it } from "vitest";
import type { AltUrl } from "../src/common/model.js";
import { previewFiring } from "../src/domain/firing.js";

function row(p: Partial<AltUrl> & { id: number }): AltUrl {
  const statuses = p.statuses ?? ["SALE"];
  return {
    campaign_id: "ALTTEST",
    url_type: "dispo",
    entry_type: "campaign",
    active: true,
    rank: 1,
    description: `row ${p.id}`,
    lists: [],
    min_call_length: 0,
    url: `https://crm.example.com/${p.id}?lead=--A--lead_id--B--&s=--A--dispo--B--`,
    ...p,
    statuses,
    all_statuses: statuses.includes("---ALL---"),
  };
}

describe("previewFiring", () => {
  it("fires matching active rows in rank order (ties by id), filling the template", () => {
    const rows = [
      row({ id: 9, rank: 2 }),
      row({ id: 7, rank: 2, statuses: ["---ALL---"] }),
      row({ id: 3, rank: 1, statuses: ["SALE", "PSALE"] }),
    ];
    const r = previewFiring({ rows, status: "SALE", sample_lead: { lead_id: 1001 } });
    expect(r.fires.map((f) => f.id)).toEqual([3, 7, 9]);
    expect(r.skipped).toEqual([]);
    expect(r.fires[0]).toEqual({
      id: 3,
      rank: 1,
      url: "https://crm.example.com/3?lead=--A--lead_id--B--&s=--A--dispo--B--",
      filled_url: "https://crm.example.com/3?lead=1001&s=SALE",
      description: "row 3",
      conditions: [],
      missing_variables: [],
    });
  });

  it("skips inactive rows", () => {
    const r = previewFiring({ rows: [row({ id: 1, active: false })], status: "SALE" });
    expect(r.skipped[0]).toMatchObject({ id: 1, reason_code: "inactive", reason: "inactive: VICIdial skips inactive rows" });
  });

  it("skips rows whose statuses do not hold the status (case-sensitive)", () => {
    const r = previewFiring({ rows: [row({ id: 1, statuses: ["CALLBK"] }), row({ id: 2, statuses: ["sale"] })], status: "SALE" });
    expect(r.skipped[0]).toMatchObject({ reason_code: "status_not_listed", reason: "status SALE is not in this row's statuses (CALLBK)" });
    expect(r.skipped[1]?.reason).toMatch(/case-sensitive/);
    expect(r.fires).toEqual([]);
  });

  it("never fires a row with empty statuses", () => {
    const r = previewFiring({ rows: [row({ id: 1, statuses: [] })], status: "SALE" });
    expect(r.skipped[0]?.reason_code).toBe("empty_statuses");
  });

  it("checks the list when list_id is given, states the condition otherwise", () => {
    const rows = [row({ id: 1, lists: ["101", "102"] })];
    expect(previewFiring({ rows, status: "SALE", list_id: "101" }).fires).toHaveLength(1);
    const no = previewFiring({ rows, status: "SALE", list_id: "999" });
    expect(no.skipped[0]).toMatchObject({ reason_code: "list_not_included", reason: "list 999 is not in this row's lists (101 102)" });
    const unknown = previewFiring({ rows, status: "SALE" });
    expect(unknown.fires[0]?.conditions).toEqual(["only for lists 101 102"]);
  });

  it("checks talk time when given, states the condition otherwise", () => {
    const rows = [row({ id: 1, min_call_length: 30 })];
    expect(previewFiring({ rows, status: "SALE", talk_time: 30 }).fires).toHaveLength(1);
    const short = previewFiring({ rows, status: "SALE", talk_time: 12 });
    expect(short.skipped[0]).toMatchObject({ reason_code: "call_too_short", reason: "call too short: talk time 12 s < minimum 30 s" });
    expect(previewFiring({ rows, status: "SALE" }).fires[0]?.conditions).toEqual(["only when talk time >= 30 s"]);
  });

  it("skips rows with an empty url", () => {
    const r = previewFiring({ rows: [row({ id: 1, url: "" })], status: "SALE" });
    expect(r.skipped[0]?.reason_code).toBe("empty_url");
  });

  it("reports the first reason in the fixed order", () => {
    const bad = row({ id: 1, active: false, statuses: ["DNC"], lists: ["5"], min_call_length: 60, url: "" });
    expect(previewFiring({ rows: [bad], status: "SALE", list_id: "6", talk_time: 1 }).skipped[0]?.reason_code).toBe("inactive");
    expect(previewFiring({ rows: [{ ...bad, active: true }], status: "SALE", list_id: "6", talk_time: 1 }).skipped[0]?.reason_code).toBe(
      "status_not_listed",
    );
    expect(previewFiring({ rows: [{ ...bad, active: true, statuses: [] }], status: "SALE" }).skipped[0]?.reason_code).toBe(
      "empty_statuses",
    );
    expect(
      previewFiring({ rows: [{ ...bad, active: true, statuses: ["SALE"] }], status: "SALE", list_id: "6", talk_time: 1 }).skipped[0]
        ?.reason_code,
    ).toBe("list_not_included");
    expect(
      previewFiring({ rows: [{ ...bad, active: true, statuses: ["SALE"], lists: [] }], status: "SALE", talk_time: 1 }).skipped[0]
        ?.reason_code,
    ).toBe("call_too_short");
  });

  it("fills dispo, talk_time and list_id from the inputs over the sample lead, and lists missing variables", () => {
    const rows = [
      row({
        id: 1,
        url: "https://x.example.com/?d=--A--dispo--B--&t=--A--talk_time--B--&l=--A--list_id--B--&n=--A--first_name--B--&e=--A--email--B--",
      }),
    ];
    const r = previewFiring({
      rows,
      status: "SALE",
      talk_time: 45,
      list_id: "101",
      sample_lead: { DISPO: "X", list_id: "7", first_name: "Ann Lee" },
    });
    expect(r.fires[0]?.filled_url).toBe("https://x.example.com/?d=SALE&t=45&l=101&n=Ann+Lee&e=");
    expect(r.fires[0]?.missing_variables).toEqual(["email"]);
    const noList = previewFiring({ rows, status: "SALE", sample_lead: { list_id: "7" } });
    expect(noList.fires[0]?.filled_url).toContain("l=7");
    expect(noList.fires[0]?.missing_variables).toEqual(["talk_time", "first_name", "email"]);
  });

  it("does not change the input order", () => {
    const rows = [row({ id: 2, rank: 5 }), row({ id: 1, rank: 1 })];
    previewFiring({ rows, status: "SALE" });
    expect(rows.map((x) => x.id)).toEqual([2, 1]);
  });
});

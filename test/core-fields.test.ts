import { describe, expect, it } from "vitest";
import { unsendableStatusChars } from "../src/client/apiStore.js";
import { checkDescription, checkMinCallLength, checkRank, normaliseLists, normaliseStatuses, sameStatusSet } from "../src/domain/fields.js";
import { refusal } from "./helpers/assertions.js";

describe("normaliseStatuses", () => {
  it("joins with single spaces as VICIdial stores them", () => {
    expect(normaliseStatuses(["SALE", "PSALE"])).toEqual({ value: "SALE PSALE", statuses: ["SALE", "PSALE"], warnings: [] });
  });

  it("accepts ---ALL--- alone", () => {
    expect(normaliseStatuses(["---ALL---"]).value).toBe("---ALL---");
  });

  it("refuses ---ALL--- mixed with others", () => {
    const err = refusal(() => normaliseStatuses(["---ALL---", "SALE"]));
    expect(err.message).toMatch(/stand alone/);
    expect(err.fix).toContain('["SALE"]');
  });

  it("refuses other spellings of ---ALL---", () => {
    expect(refusal(() => normaliseStatuses(["---all---"])).fix).toContain('["---ALL---"]');
  });

  it("warns that ALL is just a status named ALL", () => {
    expect(normaliseStatuses(["ALL"]).warnings.join(" ")).toMatch(/---ALL---/);
  });

  it("names characters VICIdial would drop", () => {
    const err = refusal(() => normaliseStatuses(["SALE_X"]));
    expect(err.message).toContain('"SALE_X": "_" would be dropped by VICIdial');
    expect(err.field).toBe("statuses");
  });

  it("refuses several statuses in one element", () => {
    const err = refusal(() => normaliseStatuses(["SALE,PSALE"]));
    expect(err.fix).toContain('["SALE","PSALE"]');
    refusal(() => normaliseStatuses(["SALE PSALE"]));
  });

  it("refuses empty arrays, empty codes, over-long codes, line breaks and backslashes", () => {
    refusal(() => normaliseStatuses([]));
    refusal(() => normaliseStatuses([""]));
    refusal(() => normaliseStatuses(["A".repeat(21)]));
    refusal(() => normaliseStatuses(["SALE\n"]));
    refusal(() => normaliseStatuses(["SA\\LE"]));
    refusal(() => normaliseStatuses(["CAFÉ"]));
  });

  it("accepts 20-character codes and trims surrounding spaces", () => {
    expect(normaliseStatuses(["A".repeat(20), " NI "]).statuses).toEqual(["A".repeat(20), "NI"]);
  });

  it("removes duplicates with a warning", () => {
    const r = normaliseStatuses(["SALE", "DNC", "SALE"]);
    expect(r.value).toBe("SALE DNC");
    expect(r.warnings).toEqual(["removed duplicate status SALE"]);
  });

  it("warns about lower-case codes (case-sensitive)", () => {
    const r = normaliseStatuses(["sale"]);
    expect(r.value).toBe("sale");
    expect(r.warnings[0]).toMatch(/case-sensitive/);
  });

  it("refuses a joined value over 1000 characters", () => {
    const many = Array.from({ length: 200 }, (_, i) => `S${i}X${"Y".repeat(3)}`);
    expect(refusal(() => normaliseStatuses(many)).message).toMatch(/1000/);
  });

  it("names the field given", () => {
    expect(refusal(() => normaliseStatuses([], { field: "from.statuses" })).field).toBe("from.statuses");
  });
});

describe("normaliseLists", () => {
  it("undefined or [] means every list", () => {
    expect(normaliseLists(undefined)).toEqual({ value: "", lists: [] });
    expect(normaliseLists([])).toEqual({ value: "", lists: [] });
  });

  it("accepts numbers and strings, removes duplicates", () => {
    expect(normaliseLists([101, "102", "101"])).toEqual({ value: "101 102", lists: ["101", "102"] });
  });

  it("refuses non-digits, naming them", () => {
    const err = refusal(() => normaliseLists(["103-X_9"]));
    expect(err.message).toContain('"-"');
    expect(err.message).toContain('"X"');
  });

  it("refuses several ids in one element", () => {
    expect(refusal(() => normaliseLists(["101,102"])).fix).toContain('["101","102"]');
  });

  it("refuses bad numbers, leading zeros and over-long ids", () => {
    refusal(() => normaliseLists([1.5]));
    refusal(() => normaliseLists([-3]));
    expect(refusal(() => normaliseLists(["0101"])).fix).toContain('"101"');
    refusal(() => normaliseLists(["1".repeat(20)]));
    expect(normaliseLists(["1".repeat(19)]).lists).toHaveLength(1);
    refusal(() => normaliseLists([""]));
  });

  it("refuses a joined value over 1000 characters", () => {
    const ids = Array.from({ length: 120 }, (_, i) => String(10_000_000 + i));
    refusal(() => normaliseLists(ids));
  });
});

describe("checkDescription", () => {
  it("accepts what VICIdial keeps, and an empty string", () => {
    const ok = "Sales to CRM, v2 - see /docs: a;b <x=y> ?@ [1] ^_";
    expect(checkDescription(ok)).toBe(ok);
    expect(checkDescription("")).toBe("");
  });

  it("refuses characters VICIdial drops, naming them and suggesting a cleaned text", () => {
    const err = refusal(() => checkDescription("Sales (new)! #1 & more"));
    for (const c of ['"("', '")"', '"!"', '"#"', '"&"']) expect(err.message).toContain(c);
    expect(err.fix).toContain('"Sales new 1 more"');
  });

  it("refuses backslashes and line breaks always", () => {
    expect(refusal(() => checkDescription("x\\ny")).message).toMatch(/backslash/);
    expect(refusal(() => checkDescription("line1\nline2")).fix).toContain('"line1 line2"');
    refusal(() => checkDescription("a\rb"));
  });

  it("refuses non-ASCII", () => {
    expect(refusal(() => checkDescription("Café")).fix).toContain('"Caf"');
  });

  it("refuses more than 255 characters", () => {
    expect(checkDescription("a".repeat(255))).toHaveLength(255);
    refusal(() => checkDescription("a".repeat(256)));
  });

  it("refuses --BLANK--, which VICIdial reads as empty", () => {
    refusal(() => checkDescription("--BLANK--"));
  });
});

describe("checkRank / checkMinCallLength", () => {
  it("ranks are whole numbers 1..32767", () => {
    expect(checkRank(1)).toBe(1);
    expect(checkRank(32767)).toBe(32767);
    refusal(() => checkRank(0));
    refusal(() => checkRank(32768));
    expect(refusal(() => checkRank(2.5)).fix).toContain("3");
    refusal(() => checkRank(Number.NaN));
  });

  it("min call length is a whole number 0..32767", () => {
    expect(checkMinCallLength(0)).toBe(0);
    expect(checkMinCallLength(30)).toBe(30);
    refusal(() => checkMinCallLength(-1));
    refusal(() => checkMinCallLength(40000));
    expect(refusal(() => checkMinCallLength(1.2, "x")).field).toBe("x");
  });
});

describe("sameStatusSet / unsendableStatusChars (the API's status rule)", () => {
  it("ignores order and duplicates, not case", () => {
    expect(sameStatusSet(["SALE", "PSALE"], ["PSALE", "SALE", "SALE"])).toBe(true);
    expect(sameStatusSet(["SALE"], ["sale"])).toBe(false);
    expect(sameStatusSet(["SALE"], ["SALE", "DNC"])).toBe(false);
    expect(sameStatusSet([], [])).toBe(true);
  });

  it("finds characters the API cannot send", () => {
    expect(unsendableStatusChars(["SALE", "DNC"])).toEqual([]);
    expect(unsendableStatusChars(["SALE_B", "X_Y", "A.B"])).toEqual(["_", "."]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ToolError } from "../src/common/errors.js";
import { checkDescription, normaliseLists, normaliseStatuses } from "../src/domain/fields.js";
import { checkTemplate, fillTemplate } from "../src/domain/templateVars.js";
import { prepareAltUrl, type UrlPolicy } from "../src/domain/urlPolicy.js";
import { pctDecode, tryParseUrl as tryParse } from "./helpers/assertions.js";

const RUNS = 600;
const open: UrlPolicy = { requireHttps: false, allowedHosts: null };

// Models of VICIdial's sanitising (vicidial-api.md §6), written independently of src/.
const vicidialUrl = (s: string) => s.replace(/[^A-Za-z0-9 \-%=+.:/@?&_]/g, "");
const vicidialStatuses = (s: string) => s.replace(/[^A-Za-z0-9 -]/g, "");
const vicidialLists = (s: string) => s.replace(/[^0-9A-Z -]/g, "");
const vicidialDescription = (s: string) => s.replace(/[^A-Za-z0-9 ,-_]/g, "");

/** Either an INVALID_INPUT ToolError naming a field, or a stored-unchanged URL meaning the same as the input. */
function checkUrlProperty(input: string): void {
  let out: string;
  try {
    out = prepareAltUrl(input, open).url;
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).code).toBe("INVALID_INPUT");
    expect((e as ToolError).field).toBe("url");
    expect((e as ToolError).fix.length).toBeGreaterThan(0);
    return;
  }
  expect(vicidialUrl(out)).toBe(out);
  expect(out.length).toBeGreaterThanOrEqual(5);
  expect(out.length).toBeLessThanOrEqual(65000);
  const after = new URL(out);
  const before = tryParse(input);
  if (before !== null && !input.includes("#")) {
    expect(after.protocol).toBe(before.protocol);
    expect(after.host).toBe(before.host);
    expect(pctDecode(after.username)).toBe(pctDecode(before.username));
    expect(pctDecode(after.pathname)).toBe(pctDecode(before.pathname));
    expect([...after.searchParams]).toEqual([...before.searchParams]);
  }
}

const anyText = fc.string({ unit: "binary", maxLength: 40 });
const anyGrapheme = fc.string({ unit: "grapheme", maxLength: 20 });
const nastyAscii = fc.string({
  unit: fc.constantFrom(
    ..."%,;()!*'~$[]{}|^`\"<> +&=?/@:.-_aZ09é😀".split("").concat(["%2C", "%zz", "%4", "é", "😀", "--A--lead_id--B--"]),
  ),
  maxLength: 25,
});
const base = fc.webUrl({ validSchemes: ["http", "https"], authoritySettings: { withPort: true, withIPv4: true, withUserInfo: true } });

describe("prepareAltUrl properties", () => {
  it("web URLs with arbitrary text appended to path and query", () => {
    fc.assert(
      fc.property(base, fc.oneof(anyText, anyGrapheme, nastyAscii), fc.oneof(anyText, anyGrapheme, nastyAscii), (u, p, q) => {
        const noQuery = u.split(/[?#]/)[0]!;
        checkUrlProperty(`${noQuery}/${p}?${q}`);
      }),
      { numRuns: RUNS },
    );
  });

  it("web URLs as generated (queries and fragments included)", () => {
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (u) => checkUrlProperty(u)),
      { numRuns: RUNS },
    );
  });

  it("fully arbitrary strings, bare and behind a scheme", () => {
    fc.assert(
      fc.property(
        fc.oneof(anyText, anyGrapheme, nastyAscii),
        fc.constantFrom("", "https://", "http://x.example.com/", "HTTPS://a.b/?"),
        (s, prefix) => checkUrlProperty(prefix + s),
      ),
      { numRuns: RUNS },
    );
  });

  it("the result is a fixed point (preparing it again changes nothing)", () => {
    fc.assert(
      fc.property(base, nastyAscii, (u, q) => {
        let out: string;
        try {
          out = prepareAltUrl(`${u.split(/[?#]/)[0]!}?${q}`, open).url;
        } catch {
          return;
        }
        expect(prepareAltUrl(out, open)).toEqual({ url: out, warnings: [] });
      }),
      { numRuns: RUNS },
    );
  });
});

/** INVALID_INPUT naming the field, else run the check on the result. */
function refusedOr<T>(fn: () => T, field: string, check: (r: T) => void): void {
  let r: T;
  try {
    r = fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    expect((e as ToolError).code).toBe("INVALID_INPUT");
    expect((e as ToolError).field).toBe(field);
    return;
  }
  check(r);
}

const statusCode = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."ABCSLEDNCX-09az_ ,.é".split("")), minLength: 0, maxLength: 22 }),
  fc.constantFrom("---ALL---", "SALE", "sale", "ALL", "---all---"),
  anyText,
);

describe("field properties: never a value VICIdial would alter", () => {
  it("statuses", () => {
    fc.assert(
      fc.property(fc.array(statusCode, { maxLength: 8 }), (codes) =>
        refusedOr(
          () => normaliseStatuses(codes),
          "statuses",
          (r) => {
            expect(vicidialStatuses(r.value)).toBe(r.value);
            expect(r.value.split(" ")).toEqual(r.statuses);
            expect(r.statuses.length).toBeGreaterThan(0);
            expect(new Set(r.statuses).size).toBe(r.statuses.length);
            expect(r.value.length).toBeLessThanOrEqual(1000);
            if (r.statuses.includes("---ALL---")) expect(r.statuses).toEqual(["---ALL---"]);
          },
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("lists", () => {
    const listId = fc.oneof(
      fc.nat(),
      fc.double(),
      fc.string({ unit: fc.constantFrom(..."0123456789 ,-X".split("")), maxLength: 21 }),
      anyText,
    );
    fc.assert(
      fc.property(fc.option(fc.array(listId, { maxLength: 6 }), { nil: undefined }), (ids) =>
        refusedOr(
          () => normaliseLists(ids),
          "lists",
          (r) => {
            expect(vicidialLists(r.value)).toBe(r.value);
            expect(r.value).toBe(r.lists.join(" "));
            for (const id of r.lists) expect(id).toMatch(/^(0|[1-9][0-9]{0,18})$/);
          },
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("description", () => {
    const text = fc.oneof(
      anyText,
      anyGrapheme,
      fc.string({ unit: fc.constantFrom(..."aZ9 ,./:;<=>?@[]^_-\\!#'\"~{}|`\n".split("")), maxLength: 30 }),
    );
    fc.assert(
      fc.property(text, (d) =>
        refusedOr(
          () => checkDescription(d),
          "description",
          (r) => {
            expect(r).toBe(d);
            expect(vicidialDescription(r)).toBe(r);
            expect(r).not.toMatch(/[\\\r\n]/);
            expect(r.length).toBeLessThanOrEqual(255);
          },
        ),
      ),
      { numRuns: RUNS },
    );
  });

  it("a checked template stays checkable after preparation, and filling never leaves a marker", () => {
    const name = fc.constantFrom("lead_id", "DISPO", "first_name", "my_label", "phone_number");
    fc.assert(
      fc.property(
        fc.array(name, { maxLength: 4 }),
        fc.dictionary(fc.constantFrom("lead_id", "dispo", "first_name"), anyGrapheme),
        (names, values) => {
          const url = "https://x.example.com/p?" + names.map((n, i) => `v${i}=--A--${n}--B--`).join("&");
          const prepared = prepareAltUrl(url, open).url;
          expect(prepared).toBe(url);
          expect(checkTemplate(prepared, { allowCredentialVariables: false }).variables.length).toBe(
            new Set(names.map((n) => n.toLowerCase())).size,
          );
          const filled = fillTemplate(prepared, values).url;
          expect(filled).not.toMatch(/--A--|--B--/i);
          expect(vicidialUrl(filled)).toBe(filled);
        },
      ),
      { numRuns: RUNS },
    );
  });
});

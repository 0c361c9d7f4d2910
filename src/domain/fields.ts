/**
 * Checks for the editable Alt URL fields other than the address.
 *
 * VICIdial silently drops characters it does not keep (docs/vicidial-behaviour.md §6),
 * so a value that would be altered is refused here, naming the characters,
 * instead of being stored differently from what the person asked for.
 */
import type { Way } from "../client/stores.js";
import { invalidInput } from "../common/errors.js";
import { ALL_STATUSES, sameStatusSet } from "../common/model.js";

export type { Way };
export { sameStatusSet };

import { describeChar } from "./urlPolicy.js";

/** Column sizes (§2/§3). */
export const STATUSES_MAX_LENGTH = 1000;
export const LISTS_MAX_LENGTH = 1000;
export const DESCRIPTION_MAX_LENGTH = 255;
export const STATUS_MAX_LENGTH = 20;
export const SMALLINT_MAX = 32767;

/** Characters each way in keeps in a status (facts §6 and §9.2): the admin page also keeps "_". */
const STATUS_CHAR: Record<Way, RegExp> = { api: /^[A-Za-z0-9-]$/, admin: /^[A-Za-z0-9_-]$/ };
const LINE_BREAKS = /[\r\n\u2028\u2029]/;

function uniqueChars(s: string, test: (ch: string) => boolean): string[] {
  const seen = new Set<string>();
  for (const ch of s) if (test(ch)) seen.add(ch);
  return [...seen];
}

function quoteList(chars: string[]): string {
  return chars.map(describeChar).join(", ");
}

const STATUS_EXAMPLE = 'pass each status as its own array element: ["SALE","PSALE"]';

/**
 * Statuses as VICIdial stores them: codes of letters, digits and "-",
 * separated by single spaces, or `---ALL---` alone.
 */
export function normaliseStatuses(
  statuses: string[],
  opts: { field?: string; way?: Way } = {},
): { value: string; statuses: string[]; warnings: string[] } {
  const field = opts.field ?? "statuses";
  const way = opts.way ?? "api";
  const statusChar = STATUS_CHAR[way];
  if (!Array.isArray(statuses) || statuses.length === 0) {
    throw invalidInput(
      field,
      "must list at least one disposition status.",
      'Give the status codes as an array, e.g. ["SALE","PSALE"], or ["---ALL---"] for every status.',
    );
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const warnings: string[] = [];
  const dupes = new Set<string>();
  for (const raw of statuses) {
    if (typeof raw !== "string") {
      throw invalidInput(
        field,
        `holds ${JSON.stringify(raw)}, which is not a status code.`,
        `Give each status as text, e.g. ["SALE","PSALE"].`,
      );
    }
    if (LINE_BREAKS.test(raw) || raw.includes("\t")) {
      throw invalidInput(field, `${JSON.stringify(raw)} contains a line break or tab.`, `Remove it; ${STATUS_EXAMPLE}.`);
    }
    if (raw.includes("\\")) {
      throw invalidInput(
        field,
        `${JSON.stringify(raw)} contains a backslash, which VICIdial drops.`,
        'Use status codes made only of letters, digits and "-", e.g. "SALE".',
      );
    }
    const code = raw.replace(/^ +| +$/g, "");
    if (code === "") {
      throw invalidInput(field, "contains an empty status code.", `Remove the empty element; ${STATUS_EXAMPLE}.`);
    }
    if (/[ ,;]/.test(code)) {
      const parts = code.split(/[ ,;]+/).filter((p) => p !== "");
      throw invalidInput(
        field,
        `${JSON.stringify(code)} holds several statuses in one element (VICIdial would drop the separators and store one wrong code).`,
        `Pass each status as its own array element: ${JSON.stringify(parts.length > 0 ? parts : ["SALE", "PSALE"])}.`,
      );
    }
    if (code !== ALL_STATUSES && code.toUpperCase().includes(ALL_STATUSES)) {
      throw invalidInput(
        field,
        `${JSON.stringify(code)} is not the "every status" marker; VICIdial only recognises exactly "${ALL_STATUSES}" (upper case).`,
        `Use ["${ALL_STATUSES}"] to fire for every status.`,
      );
    }
    const bad = uniqueChars(code, (ch) => !statusChar.test(ch));
    if (bad.length > 0) {
      const cleaned = Array.from(code)
        .filter((ch) => statusChar.test(ch))
        .join("");
      throw invalidInput(
        field,
        `${JSON.stringify(code)}: ${quoteList(bad)} would be dropped by VICIdial, so the stored status would be ${JSON.stringify(cleaned)} and match different calls.`,
        way === "api"
          ? 'Use status codes made only of letters, digits and "-" exactly as the disposition is defined in VICIdial. ' +
              'A status holding other characters (such as "_") cannot be sent through the API; enter it on the campaign\'s Alt URL screen in the VICIdial admin pages instead.'
          : 'Use status codes made only of letters, digits, "-" and "_" exactly as the disposition is defined in VICIdial.',
      );
    }
    if (code.length > STATUS_MAX_LENGTH) {
      throw invalidInput(
        field,
        `${JSON.stringify(code)} is ${code.length} characters long; a status code has at most ${STATUS_MAX_LENGTH}.`,
        'Use the disposition\'s code (e.g. "SALE"), not its name.',
      );
    }
    if (seen.has(code)) {
      dupes.add(code);
      continue;
    }
    seen.add(code);
    out.push(code);
  }
  if (seen.has(ALL_STATUSES) && out.length > 1) {
    const others = out.filter((c) => c !== ALL_STATUSES);
    throw invalidInput(
      field,
      `mixes "${ALL_STATUSES}" with other statuses (${others.join(", ")}); "${ALL_STATUSES}" already covers every status and must stand alone.`,
      `Use ["${ALL_STATUSES}"] for every status, or ${JSON.stringify(others)} for just those.`,
    );
  }
  if (dupes.size > 0) warnings.push(`removed duplicate status ${[...dupes].join(", ")}`);
  const lower = out.filter((c) => c !== ALL_STATUSES && /[a-z]/.test(c));
  for (const c of lower) {
    warnings.push(
      `status "${c}" has lower-case letters; dispositions are case-sensitive and usually upper case, so it only matches a disposition written exactly "${c}" (not "${c.toUpperCase()}")`,
    );
  }
  if (out.length === 1 && out[0] === "ALL") {
    warnings.push(`"ALL" is taken as a status code named ALL; to fire for every status use "${ALL_STATUSES}"`);
  }
  const value = out.join(" ");
  if (value.length > STATUSES_MAX_LENGTH) {
    throw invalidInput(
      field,
      `is ${value.length} characters long once joined; VICIdial stores at most ${STATUSES_MAX_LENGTH}.`,
      `Split the statuses across several Alt URLs, or use ["${ALL_STATUSES}"].`,
    );
  }
  return { value, statuses: out, warnings };
}

/** List ids as VICIdial stores them: digits separated by single spaces; "" = every list. */
export function normaliseLists(lists: (string | number)[] | undefined, field = "lists"): { value: string; lists: string[] } {
  if (lists === undefined) return { value: "", lists: [] };
  if (!Array.isArray(lists)) {
    throw invalidInput(field, "must be an array of list ids.", 'Give list ids as an array, e.g. ["101","102"], or [] for every list.');
  }
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of lists) {
    let id: string;
    if (typeof raw === "number") {
      if (!Number.isSafeInteger(raw) || raw < 0) {
        throw invalidInput(
          field,
          `${raw} is not a list id (list ids are whole numbers of digits).`,
          'Give list ids as digit strings, e.g. ["101","102"].',
        );
      }
      id = String(raw);
    } else if (typeof raw === "string") {
      if (LINE_BREAKS.test(raw) || raw.includes("\t") || raw.includes("\\")) {
        throw invalidInput(
          field,
          `${JSON.stringify(raw)} contains a line break, tab or backslash.`,
          'Give list ids as digit strings, e.g. ["101","102"].',
        );
      }
      id = raw.replace(/^ +| +$/g, "");
      if (id === "") throw invalidInput(field, "contains an empty list id.", 'Remove the empty element; e.g. ["101","102"].');
      if (/[ ,;]/.test(id)) {
        const parts = id.split(/[ ,;]+/).filter((p) => p !== "");
        throw invalidInput(
          field,
          `${JSON.stringify(id)} holds several list ids in one element.`,
          `Pass each list id as its own array element: ${JSON.stringify(parts)}.`,
        );
      }
      const bad = uniqueChars(id, (ch) => !/^[0-9]$/.test(ch));
      if (bad.length > 0) {
        throw invalidInput(
          field,
          `${JSON.stringify(id)} is not a list id: ${quoteList(bad)} ${bad.length > 1 ? "are" : "is"} not a digit (VICIdial list ids are numbers, and it would drop or mangle other characters).`,
          'Give the list id from Lists > Show Lists, e.g. ["101","102"].',
        );
      }
    } else {
      throw invalidInput(
        field,
        `holds ${JSON.stringify(raw)}, which is not a list id.`,
        'Give list ids as digit strings, e.g. ["101","102"].',
      );
    }
    if (id.length > 19) {
      throw invalidInput(field, `"${id}" has ${id.length} digits; a list id has at most 19.`, "Check the list id in Lists > Show Lists.");
    }
    // VICIdial compares tokens as text with the lead's list id, which never has leading zeros.
    if (id.length > 1 && id.startsWith("0")) {
      const fixed = id.replace(/^0+(?=\d)/, "");
      throw invalidInput(field, `"${id}" has leading zeros, so it would never match a lead's list id.`, `Use "${fixed}".`);
    }
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  const value = out.join(" ");
  if (value.length > LISTS_MAX_LENGTH) {
    throw invalidInput(
      field,
      `is ${value.length} characters long once joined; VICIdial stores at most ${LISTS_MAX_LENGTH}.`,
      "Use fewer lists (or [] for every list), or split them across several Alt URLs.",
    );
  }
  return { value, lists: out };
}

/**
 * Kept in url_description: through the API letters, digits, space and ASCII
 * "," to "_"; through the admin page only letters, digits, space, "-", ".",
 * "," and "_" (facts §6 and §9.2).
 */
const DESCRIPTION_KEEPS: Record<Way, { test: (ch: string) => boolean; list: string }> = {
  api: { test: (ch) => /^[A-Za-z0-9 ,-_]$/.test(ch) && ch !== "\\", list: "letters, digits, spaces and , - . / : ; < = > ? @ [ ] ^ _" },
  admin: { test: (ch) => /^[A-Za-z0-9 ,._-]$/.test(ch), list: "letters, digits, spaces and , - . _" },
};

/**
 * A description VICIdial stores unchanged. "" is allowed (clear it).
 * Backslashes are refused outright: VICIdial writes this field into SQL
 * without escaping (a backslash breaks the request or the LIST format).
 */
export function checkDescription(description: string, opts: { field?: string; way?: Way } = {}): string {
  const field = opts.field ?? "description";
  const keeps = DESCRIPTION_KEEPS[opts.way ?? "api"];
  const descriptionCharKept = keeps.test;
  if (typeof description !== "string") {
    throw invalidInput(field, "must be text.", 'Give a short description, e.g. "Send sales to CRM".');
  }
  const suggestion = () =>
    description
      .replace(/[\r\n\t\u2028\u2029]+/g, " ")
      .split("")
      .filter((ch) => descriptionCharKept(ch))
      .join("")
      .replace(/ {2,}/g, " ")
      .trim()
      .slice(0, DESCRIPTION_MAX_LENGTH);
  if (LINE_BREAKS.test(description)) {
    throw invalidInput(
      field,
      "contains a line break; VICIdial would store it in a way that breaks the listing of this campaign's Alt URLs.",
      `Put it on one line: "${suggestion()}".`,
    );
  }
  if (description.includes("\\")) {
    throw invalidInput(
      field,
      'contains a backslash ("\\"); VICIdial writes descriptions into its database unescaped, so a backslash fails the request or corrupts the stored text.',
      `Remove it (or use "/"): "${suggestion()}".`,
    );
  }
  const bad = uniqueChars(description, (ch) => !descriptionCharKept(ch));
  if (bad.length > 0) {
    throw invalidInput(
      field,
      `contains ${quoteList(bad)}, which VICIdial drops from descriptions. It keeps ${keeps.list} only.`,
      `Use "${suggestion()}".`,
    );
  }
  if (description.length > DESCRIPTION_MAX_LENGTH) {
    throw invalidInput(
      field,
      `is ${description.length} characters long; VICIdial stores at most ${DESCRIPTION_MAX_LENGTH}.`,
      `Shorten it, e.g. "${description.slice(0, DESCRIPTION_MAX_LENGTH).trim()}".`,
    );
  }
  // VICIdial reads --BLANK-- as "empty this field".
  if (description.trim().toUpperCase() === "--BLANK--") {
    throw invalidInput(
      field,
      'is "--BLANK--", which VICIdial reads as "empty this field".',
      'Give "" to clear the description, or other text.',
    );
  }
  return description;
}

function checkSmallint(n: number, field: string, min: number, what: string, example: string): number {
  if (typeof n !== "number" || !Number.isFinite(n)) {
    throw invalidInput(field, `must be a whole number from ${min} to ${SMALLINT_MAX} (${what}).`, `Give a number such as ${example}.`);
  }
  if (!Number.isInteger(n)) {
    const r = Math.min(SMALLINT_MAX, Math.max(min, Math.round(n)));
    throw invalidInput(field, `${n} is not a whole number (${what}).`, `Use ${r}.`);
  }
  if (n < min || n > SMALLINT_MAX) {
    const r = Math.min(SMALLINT_MAX, Math.max(min, n));
    throw invalidInput(
      field,
      `${n} is out of range: VICIdial stores ${min} to ${SMALLINT_MAX} (${what}).`,
      `Use a value in that range, e.g. ${r}.`,
    );
  }
  return n;
}

/** url_rank: smallint, digits only (so no 0 or negatives that make sense), 1..32767. */
export function checkRank(rank: number, field = "rank"): number {
  return checkSmallint(rank, field, 1, "rows fire in ascending rank", "1");
}

/** url_call_length: minimum talk time in seconds, 0..32767. */
export function checkMinCallLength(n: number, field = "min_call_length"): number {
  return checkSmallint(n, field, 0, "minimum talk time in seconds; 0 means any length", "30");
}

/**
 * Configuration documents: the Alt URLs that should exist, as YAML or JSON
 * (`version: 1`, `entries[]`). Everything is checked here, before anything is
 * sent: the shape, every value by the same rules set_alt_url uses (through
 * checkValues, with the way in of the entry's type), an entry named twice,
 * two rows of one entry with the same status set. Every problem names its
 * path (`entries[0].alt_urls[1].url`) and the fix.
 */
import { ToolError } from "../common/errors.js";
import { isJsonObject } from "../common/json.js";
import {
  ENTRY_TYPES,
  type EntryType,
  entryWord,
  type RowValues,
  statusSetKey,
  URL_TYPES,
  URL_TYPES_BY_ENTRY,
  type UrlType,
} from "../common/model.js";
import { checkEntryId } from "./entries.js";
import { checkValues, newRowValues } from "./rowRules.js";
import { wayFor } from "./system.js";
import type { UrlPolicy } from "./urlPolicy.js";

/** The longest document taken (a stdio message is at most 1 MiB anyway). */
export const DOCUMENT_MAX = 1_000_000;
const ENTRIES_MAX = 1000;
/** VICIdial's LIST prints at most 1000 rows of an entry (facts §3.1). */
const ROWS_MAX = 1000;
const PROBLEMS_MAX = 100;

export interface DocRow {
  path: string;
  /** Every value, defaults filled in exactly as a new row gets them. */
  values: RowValues;
}

export interface DocEntry {
  path: string;
  /** The system named by the entry, or undefined for the default. */
  system: string | undefined;
  campaign_id: string;
  entry_type: EntryType;
  url_type: UrlType;
  prune: boolean;
  rows: DocRow[];
}

export interface ConfigDocument {
  entries: DocEntry[];
  warnings: string[];
}

export interface Problem {
  path: string;
  message: string;
  fix: string;
}

export interface ValidateOptions {
  /** The URL policy of a system (undefined: the default); throws for a system that is not configured. */
  policyFor(system: string | undefined): UrlPolicy;
  allowCredentialVariables: boolean;
}

export const EXAMPLE =
  'Start from export_alt_urls (or `vicidial-alturl-mcp export`), which writes a valid document: "version: 1" and "entries:".';
const ENTRY_KEYS = ["campaign_id", "entry_type", "url_type", "prune", "alt_urls", "system"];
const ROW_KEYS = ["statuses", "url", "active", "rank", "description", "lists", "min_call_length"];
/** Names other tools and tutorials use, and what they are here. */
const ALIASES: Record<string, string> = {
  ingroup_id: 'campaign_id with entry_type: ingroup (VICIdial names the id of campaigns, in-groups and lists "campaign_id")',
  group_id: 'campaign_id with entry_type: ingroup (VICIdial names the id of campaigns, in-groups and lists "campaign_id")',
  list_id: 'campaign_id with entry_type: list (VICIdial names the id of campaigns, in-groups and lists "campaign_id")',
  rows: "alt_urls",
  id: "nothing: rows are identified by their statuses, so remove it",
  alt_url_id: "nothing: rows are identified by their statuses, so remove it",
  dispo_code: "statuses (a list, e.g. [SALE])",
  url_statuses: "statuses",
  url_address: "url",
  alt_url: "url",
  url_rank: "rank",
  url_lists: "lists",
  url_call_length: "min_call_length",
  url_description: "description",
};

const kind = (v: unknown): string =>
  v === null ? "null" : Array.isArray(v) ? "a list" : typeof v === "object" ? "a mapping" : `${typeof v} ${JSON.stringify(v)}`;

class Checker {
  readonly problems: Problem[] = [];
  readonly warnings: string[] = [];

  add(path: string, message: string, fix: string): void {
    if (this.problems.length < PROBLEMS_MAX) this.problems.push({ path, message: `${path}: ${message}`, fix });
  }

  /** Record a ToolError thrown by a value rule as a problem at its own field (a full path). */
  caught(err: unknown, path: string): void {
    if (!(err instanceof ToolError)) throw err;
    const field = err.field ?? path;
    const message = err.message.startsWith(`${field}: `) ? err.message.slice(field.length + 2) : err.message;
    this.add(field, message, err.fix);
  }

  unknownKeys(obj: Record<string, unknown>, allowed: string[], path: string, what: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const alias = ALIASES[key];
      // A key that is no plain name (empty, spaced, ...) is quoted, so the path still says which one.
      const name = /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
      this.add(
        path === "" ? name : name.startsWith('"') ? `${path}[${name}]` : `${path}.${name}`,
        `is not a field of ${what}.`,
        alias ? `Use ${alias}.` : `Remove it (or check its spelling); ${what} has the fields ${allowed.join(", ")}.`,
      );
    }
  }
}

/** A document's data, checked whole; throws INVALID_INPUT naming every problem's path. */
export function validateDocument(raw: unknown, opts: ValidateOptions): ConfigDocument {
  const c = new Checker();
  const entries: DocEntry[] = [];
  if (!isJsonObject(raw)) {
    c.add("document", `is ${kind(raw)}, not a mapping with version and entries.`, EXAMPLE);
  } else {
    c.unknownKeys(raw, ["version", "entries"], "", "a document");
    if (raw.version === undefined) c.add("version", "is missing.", 'Start the document with "version: 1".');
    else if (raw.version !== 1) c.add("version", `is ${kind(raw.version)}; this server reads version 1.`, 'Write "version: 1".');
    if (!Array.isArray(raw.entries)) {
      c.add(
        "entries",
        raw.entries === undefined ? "is missing." : `is ${kind(raw.entries)}, not a list.`,
        `List the entries under "entries:", one "- campaign_id: ..." each. ${EXAMPLE}`,
      );
    } else if (raw.entries.length > ENTRIES_MAX) {
      c.add(
        "entries",
        `has ${raw.entries.length} entries; at most ${ENTRIES_MAX} are taken.`,
        "Split the document (entries not named are never touched).",
      );
    } else {
      const seen = new Map<string, string>();
      raw.entries.forEach((e, i) => {
        const entry = checkEntry(c, e, `entries[${i}]`, opts);
        if (!entry) return;
        const key = [entry.system ?? "", entry.entry_type, entry.campaign_id.toUpperCase(), entry.url_type].join("\u0000");
        const first = seen.get(key);
        if (first) {
          c.add(
            `entries[${i}]`,
            `names ${entryWord(entry.entry_type)} ${entry.campaign_id} with url_type ${entry.url_type} again (${first} already does).`,
            `Merge the two into ${first}: one entry per ${entryWord(entry.entry_type)} and URL type, so it is clear what the rows should be.`,
          );
        } else seen.set(key, `entries[${i}]`);
        entries.push(entry);
      });
    }
  }
  if (c.problems.length) throw documentInvalid(c.problems);
  return { entries, warnings: c.warnings };
}

function documentInvalid(problems: Problem[]): ToolError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? "s" : ""}, listed in problems)` : "";
  return new ToolError({
    code: "INVALID_INPUT",
    field: first.path,
    message: `${first.message}${more}`,
    cause: "The document is checked whole before anything is sent; nothing was sent to VICIdial.",
    fix: first.fix,
    details: {
      structured: { problems },
      text: ["Problems in the document:", ...problems.map((p) => `- ${p.message} Fix: ${p.fix}`)].join("\n"),
    },
  });
}

function checkEntry(c: Checker, e: unknown, path: string, opts: ValidateOptions): DocEntry | null {
  if (!isJsonObject(e)) {
    c.add(path, `is ${kind(e)}, not an entry.`, 'Write each entry as a mapping: "- campaign_id: \\"2001\\"" with its alt_urls.');
    return null;
  }
  const before = c.problems.length;
  c.unknownKeys(e, ENTRY_KEYS, path, "an entry");
  let type: EntryType = "campaign";
  if (e.entry_type !== undefined) {
    if (typeof e.entry_type === "string" && (ENTRY_TYPES as readonly string[]).includes(e.entry_type)) type = e.entry_type as EntryType;
    else c.add(`${path}.entry_type`, `is ${kind(e.entry_type)}.`, `Use one of ${ENTRY_TYPES.join(", ")} (default campaign).`);
  }
  let urlType: UrlType = "dispo";
  if (e.url_type !== undefined) {
    if (typeof e.url_type === "string" && (URL_TYPES as readonly string[]).includes(e.url_type)) urlType = e.url_type as UrlType;
    else c.add(`${path}.url_type`, `is ${kind(e.url_type)}.`, `Use one of ${URL_TYPES.join(", ")} (default dispo).`);
  }
  if (!URL_TYPES_BY_ENTRY[type].includes(urlType)) {
    c.add(
      `${path}.url_type`,
      `${entryWord(type)} Alt URLs have no type ${urlType}.`,
      `Use url_type ${URL_TYPES_BY_ENTRY[type].join(", ")} for a ${entryWord(type)}.`,
    );
  }
  let id = "";
  if (typeof e.campaign_id === "string") id = e.campaign_id;
  else if (typeof e.campaign_id === "number" && Number.isSafeInteger(e.campaign_id) && e.campaign_id >= 0) id = String(e.campaign_id);
  else {
    c.add(
      `${path}.campaign_id`,
      e.campaign_id === undefined ? "is missing." : `is ${kind(e.campaign_id)}.`,
      'Give the id of the campaign, in-group or list as text, e.g. campaign_id: "2001" (with entry_type for an in-group or list).',
    );
  }
  if (id) {
    try {
      checkEntryId(id, type, `${path}.campaign_id`);
    } catch (err) {
      c.caught(err, `${path}.campaign_id`);
    }
  }
  let prune = false;
  if (e.prune !== undefined) {
    if (typeof e.prune === "boolean") prune = e.prune;
    else
      c.add(
        `${path}.prune`,
        `is ${kind(e.prune)}.`,
        "Write prune: true (delete this entry's rows the document does not list) or prune: false (the default).",
      );
  }
  let system: string | undefined;
  let policy: UrlPolicy | null = null;
  if (e.system !== undefined && (typeof e.system !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(e.system))) {
    c.add(
      `${path}.system`,
      `is ${kind(e.system)}.`,
      "Give the name of a configured VICIdial system (see list_systems), or leave it out for the default one.",
    );
  } else {
    system = e.system as string | undefined;
    try {
      policy = opts.policyFor(system);
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      c.add(`${path}.system`, err.message.replace(/^system: /, ""), err.fix);
    }
  }
  const rows: DocRow[] = [];
  if (!Array.isArray(e.alt_urls)) {
    c.add(
      `${path}.alt_urls`,
      e.alt_urls === undefined ? "is missing." : `is ${kind(e.alt_urls)}, not a list.`,
      "List the rows this entry should have under alt_urls (alt_urls: [] with prune: true removes them all).",
    );
  } else if (e.alt_urls.length > ROWS_MAX) {
    c.add(
      `${path}.alt_urls`,
      `has ${e.alt_urls.length} rows; VICIdial lists at most ${ROWS_MAX} per entry.`,
      "Remove rows; split them across URL types or entries.",
    );
  } else if (policy) {
    const bySet = new Map<string, string>();
    e.alt_urls.forEach((r, j) => {
      const row = checkRow(c, r, `${path}.alt_urls[${j}]`, {
        type,
        policy: policy!,
        allowCredentialVariables: opts.allowCredentialVariables,
      });
      if (!row) return;
      const key = statusSetKey(row.values.statuses);
      const first = bySet.get(key);
      if (first) {
        c.add(
          `${row.path}.statuses`,
          `is the same status set as ${first}.statuses (${row.values.statuses.join(" ")}).`,
          "Rows are identified by their statuses: give each row of an entry a different status set, or merge the two rows.",
        );
      } else bySet.set(key, row.path);
      rows.push(row);
    });
  }
  if (urlType === "addlead" && rows.length) {
    c.warnings.push(
      `${path}: addlead Alt URLs are stored, but VICIdial 2.14 never reads them (only the in-group's plain Add Lead URL is called); these rows will not fire.`,
    );
  }
  if (c.problems.length > before) return null;
  return { path, system, campaign_id: id, entry_type: type, url_type: urlType, prune, rows };
}

function checkRow(
  c: Checker,
  r: unknown,
  path: string,
  o: { type: EntryType; policy: UrlPolicy; allowCredentialVariables: boolean },
): DocRow | null {
  if (!isJsonObject(r)) {
    c.add(
      path,
      `is ${kind(r)}, not a row.`,
      "Write each row as a mapping with at least statuses and url, e.g. - statuses: [SALE]\\n  url: https://crm.example.com/hook",
    );
    return null;
  }
  const before = c.problems.length;
  c.unknownKeys(r, ROW_KEYS, path, "an Alt URL row");
  const need = (key: string, ok: boolean, expected: string, fix: string) => {
    if (r[key] !== undefined && !ok) c.add(`${path}.${key}`, `is ${kind(r[key])}; expected ${expected}.`, fix);
  };
  const st = r.statuses;
  if (st === undefined)
    c.add(
      `${path}.statuses`,
      "is missing.",
      "Give the dispositions that fire it, e.g. statuses: [SALE, PSALE], or [---ALL---] for every status.",
    );
  need(
    "statuses",
    Array.isArray(st) && st.every((s) => typeof s === "string"),
    "a list of status codes",
    'Write statuses as a list of codes, e.g. statuses: [SALE, PSALE]; quote a code YAML would read otherwise, e.g. ["NO", "Y"].',
  );
  if (r.url === undefined)
    c.add(`${path}.url`, "is missing.", "Give the address VICIdial fetches, e.g. url: https://crm.example.com/hook?lead=--A--lead_id--B--");
  need("url", typeof r.url === "string", "text", "Write the URL as text; quote it if it holds ': ' or ' #'.");
  need("active", typeof r.active === "boolean", "true or false", "Write active: true (the default) or active: false.");
  need(
    "rank",
    Number.isInteger(r.rank),
    "a whole number",
    "Write the firing order as a number from 1 to 32767, e.g. rank: 1 (the default).",
  );
  need("description", typeof r.description === "string", "text", 'Write the description as text, e.g. description: "CRM sale hook".');
  const lists = r.lists;
  need(
    "lists",
    Array.isArray(lists) && lists.every((l) => typeof l === "string" || (typeof l === "number" && Number.isSafeInteger(l) && l >= 0)),
    "a list of list ids",
    'Write the list ids as a list, e.g. lists: ["101", "102"], or lists: [] (the default) for every list.',
  );
  need(
    "min_call_length",
    Number.isInteger(r.min_call_length),
    "a whole number of seconds",
    "Write min_call_length: 0 (the default: always) or the least talk time in seconds.",
  );
  if (c.problems.length > before) return null;
  try {
    const checked = checkValues(
      {
        url: r.url as string,
        statuses: st as string[],
        active: r.active as boolean | undefined,
        rank: r.rank as number | undefined,
        description: r.description as string | undefined,
        lists: lists as (string | number)[] | undefined,
        min_call_length: r.min_call_length as number | undefined,
      },
      { policy: o.policy, way: wayFor(o.type), allowCredentialVariables: o.allowCredentialVariables, path: `${path}.` },
    );
    for (const w of checked.warnings) c.warnings.push(`${path}: ${w}`);
    return { path, values: newRowValues(checked.desired, wayFor(o.type)) };
  } catch (err) {
    c.caught(err, path);
    return null;
  }
}

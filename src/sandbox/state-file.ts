/**
 * Reads a sandbox state: a JSON object in the format of the recorded
 * transcripts' `initial_state` (users, user groups, campaigns, in-groups,
 * lists, Alt URL rows, URL log rows). Every value is checked, and the first
 * problem is reported with the path of the field (`users[2].user_level`), so
 * a hand-written file fails with one clear line.
 */
import { parseSqlDate } from "./state.js";
import type {
  SandboxAltUrl,
  SandboxCampaign,
  SandboxInboundGroup,
  SandboxList,
  SandboxSeed,
  SandboxUrlLogRow,
  SandboxUser,
  SandboxUserGroup,
} from "./types.js";

/** A state that cannot be used; `field` is the path of the offending value. */
export class StateFileError extends Error {
  constructor(
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
    this.name = "StateFileError";
  }
}

type Obj = Record<string, unknown>;

const fail = (field: string, problem: string): never => {
  throw new StateFileError(field, problem);
};

/** An object holding only the keys named (a typo is an error, not a silent default). */
function record(value: unknown, field: string, keys: readonly string[] | "any"): Obj {
  if (!value || typeof value !== "object" || Array.isArray(value)) return fail(field, "expected an object");
  const o = value as Obj;
  if (keys !== "any") {
    const unknown = Object.keys(o).find((k) => !keys.includes(k));
    if (unknown !== undefined) fail(`${field}.${unknown}`.replace(/^\./, ""), "unknown field");
  }
  return o;
}

function items(o: Obj, key: string, field: string): { value: unknown; field: string }[] {
  const v = o[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) return fail(field, "expected a list");
  return v.map((value, i) => ({ value, field: `${field}[${i}]` }));
}

interface FieldReader {
  text(key: string, fallback?: string): string;
  whole(key: string, range: { min: number; max: number }, fallback?: number): number;
  choice<T extends string>(key: string, allowed: readonly T[], fallback?: T): T;
}

/** Typed access to one object's fields, naming `<field>.<key>` in every error. */
function fields(o: Obj, field: string): FieldReader {
  const at = (key: string) => (field === "" ? key : `${field}.${key}`);
  const present = (key: string) => o[key] !== undefined;
  return {
    text(key, fallback) {
      const v = o[key];
      // MySQL NULL (an unset URL) reads as empty text.
      if (v === undefined || v === null) return fallback ?? fail(at(key), "missing");
      if (typeof v === "number" && Number.isFinite(v)) return String(v);
      if (typeof v !== "string") return fail(at(key), "expected text");
      return v;
    },
    whole(key, range, fallback) {
      if (!present(key)) return fallback ?? fail(at(key), "missing");
      const v = o[key];
      const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
      if (typeof n !== "number" || !Number.isInteger(n)) return fail(at(key), "expected a whole number");
      if (n < range.min || n > range.max) return fail(at(key), `expected ${range.min} to ${range.max}`);
      return n;
    },
    choice(key, allowed, fallback) {
      if (!present(key) && fallback !== undefined) return fallback;
      const v = this.text(key);
      if (!(allowed as readonly string[]).includes(v)) return fail(at(key), `expected ${allowed.join(" or ")}`);
      return v as (typeof allowed)[number];
    },
  };
}

function unique<T>(list: { item: T; field: string }[], key: (t: T) => string, name: string): void {
  const seen = new Map<string, string>();
  for (const { item, field } of list) {
    const k = key(item).toLowerCase();
    const first = seen.get(k);
    if (first !== undefined) fail(`${field}.${name}`, `the same as ${first}.${name}`);
    seen.set(k, field);
  }
}

const YN = ["Y", "N"] as const;
const FLAG = { min: 0, max: 1 };
const SMALLINT = { min: -32768, max: 32767 };

function readUserGroup(value: unknown, field: string): SandboxUserGroup {
  const o = record(value, field, ["user_group", "allowed_campaigns", "allowed_reports", "admin_viewable_groups", "api_ip_list"]);
  const f = fields(o, field);
  const group: SandboxUserGroup = { user_group: f.text("user_group"), allowed_campaigns: f.text("allowed_campaigns") };
  if (o.allowed_reports !== undefined) group.allowed_reports = f.text("allowed_reports");
  if (o.admin_viewable_groups !== undefined) group.admin_viewable_groups = f.text("admin_viewable_groups");
  if (o.api_ip_list !== undefined) {
    group.api_ip_list = items(o, "api_ip_list", `${field}.api_ip_list`).map(({ value: ip, field: at }) =>
      typeof ip === "string" ? ip : fail(at, "expected text"),
    );
  }
  return group;
}

const USER_KEYS = [
  "user",
  "pass",
  "user_level",
  "user_group",
  "active",
  "vdc_agent_api_access",
  "modify_campaigns",
  "view_reports",
  "api_allowed_functions",
  "failed_login_count",
  "last_login_date",
  "note",
] as const;

function readUser(value: unknown, field: string): SandboxUser {
  const o = record(value, field, USER_KEYS);
  const f = fields(o, field);
  const user: SandboxUser = {
    user: f.text("user"),
    pass: f.text("pass"),
    user_level: f.whole("user_level", { min: 0, max: 9 }),
    user_group: f.text("user_group"),
    active: f.choice("active", YN),
    vdc_agent_api_access: f.whole("vdc_agent_api_access", FLAG) as 0 | 1,
    modify_campaigns: f.whole("modify_campaigns", FLAG) as 0 | 1,
    view_reports: f.whole("view_reports", FLAG) as 0 | 1,
    api_allowed_functions: f.text("api_allowed_functions"),
  };
  if (user.user === "") fail(`${field}.user`, "must not be empty");
  if (o.failed_login_count !== undefined) user.failed_login_count = f.whole("failed_login_count", { min: 0, max: 65535 });
  if (o.last_login_date !== undefined) {
    user.last_login_date = f.text("last_login_date");
    if (parseSqlDate(user.last_login_date) === undefined) fail(`${field}.last_login_date`, "expected YYYY-MM-DD HH:MM:SS");
  }
  if (o.note !== undefined) user.note = f.text("note");
  return user;
}

const CAMPAIGN_TEXT = [
  "user_group",
  "dial_method",
  "dial_level",
  "lead_order",
  "dial_statuses",
  "dial_timeout",
  "dial_prefix",
  "manual_dial_prefix",
  "three_way_dial_prefix",
  "dispo_call_url",
  "start_call_url",
  "na_call_url",
] as const;

function readCampaign(value: unknown, field: string): SandboxCampaign {
  const o = record(value, field, ["campaign_id", "campaign_name", "active", ...CAMPAIGN_TEXT]);
  const f = fields(o, field);
  const id = f.text("campaign_id");
  if (id.length < 1 || id.length > 20) fail(`${field}.campaign_id`, "expected 1 to 20 characters");
  const campaign = { campaign_id: id, campaign_name: f.text("campaign_name"), active: f.choice("active", YN) } as SandboxCampaign;
  for (const key of CAMPAIGN_TEXT) campaign[key] = f.text(key, "");
  return campaign;
}

function readInboundGroup(value: unknown, field: string): SandboxInboundGroup {
  const urls = ["dispo_call_url", "start_call_url", "na_call_url", "add_lead_url"] as const;
  const o = record(value, field, ["group_id", "group_name", "active", "user_group", "group_color", ...urls]);
  const f = fields(o, field);
  return {
    group_id: f.text("group_id"),
    group_name: f.text("group_name", ""),
    dispo_call_url: f.text("dispo_call_url", ""),
    start_call_url: f.text("start_call_url", ""),
    na_call_url: f.text("na_call_url", ""),
    add_lead_url: f.text("add_lead_url", ""),
    active: f.choice("active", YN, "Y"),
    user_group: f.text("user_group", "---ALL---"),
    group_color: f.text("group_color", ""),
  };
}

function readList(value: unknown, field: string): SandboxList {
  const o = record(value, field, ["list_id", "list_name", "campaign_id", "active", "na_call_url"]);
  const f = fields(o, field);
  return {
    list_id: f.whole("list_id", { min: 0, max: Number.MAX_SAFE_INTEGER }),
    list_name: f.text("list_name", ""),
    campaign_id: f.text("campaign_id", ""),
    active: f.choice("active", YN, "Y"),
    na_call_url: f.text("na_call_url", ""),
  };
}

const ROW_KEYS = [
  "url_id",
  "campaign_id",
  "entry_type",
  "active",
  "url_type",
  "url_rank",
  "url_statuses",
  "url_description",
  "url_lists",
  "url_call_length",
  "url_address",
] as const;

function readAltUrl(value: unknown, field: string): SandboxAltUrl {
  const o = record(value, field, ROW_KEYS);
  const f = fields(o, field);
  const row: SandboxAltUrl = {
    url_id: f.whole("url_id", { min: 1, max: 4294967295 }),
    campaign_id: f.text("campaign_id"),
    entry_type: f.choice("entry_type", ["campaign", "ingroup", "list"], "campaign"),
    active: f.choice("active", YN, "N"),
    url_type: f.choice("url_type", ["dispo", "start", "noagent", "addlead"], "dispo"),
    url_rank: f.whole("url_rank", SMALLINT, 1),
    url_statuses: f.text("url_statuses", ""),
    url_description: f.text("url_description", ""),
    url_lists: f.text("url_lists", ""),
    url_call_length: f.whole("url_call_length", SMALLINT, 0),
    url_address: f.text("url_address", ""),
  };
  if (row.campaign_id.length > 20) fail(`${field}.campaign_id`, "expected at most 20 characters");
  return row;
}

function readUrlLog(value: unknown, field: string): SandboxUrlLogRow {
  const o = record(value, field, ["url_log_id", "uniqueid", "url_date", "url_type", "response_sec", "url", "url_response"]);
  const f = fields(o, field);
  const row: SandboxUrlLogRow = {
    url_log_id: f.whole("url_log_id", { min: 1, max: 4294967295 }),
    uniqueid: f.text("uniqueid"),
    url_date: f.text("url_date"),
    url_type: f.text("url_type"),
    response_sec: f.whole("response_sec", { min: 0, max: 65535 }, 0),
    url: f.text("url", ""),
    url_response: f.text("url_response", ""),
  };
  if (parseSqlDate(row.url_date) === undefined) fail(`${field}.url_date`, "expected YYYY-MM-DD HH:MM:SS");
  return row;
}

/** System settings the sandbox imitates only in their default value. */
const ONLY_DEFAULT = ["use_non_latin", "pass_hash_enabled", "two_factor_auth_hours"];

function checkSystemSettings(value: unknown): void {
  const o = record(value, "system_settings", "any");
  const f = fields(o, "system_settings");
  for (const key of Object.keys(o)) {
    const n = f.whole(key, { min: 0, max: Number.MAX_SAFE_INTEGER });
    if (ONLY_DEFAULT.includes(key) && n !== 0) fail(`system_settings.${key}`, "only 0 is imitated by the sandbox");
  }
}

function readAll<T>(o: Obj, key: string, read: (value: unknown, field: string) => T): { item: T; field: string }[] {
  return items(o, key, key).map(({ value, field }) => ({ item: read(value, field), field }));
}

const TOP_KEYS = [
  "note",
  "system_settings",
  "user_groups",
  "users",
  "campaigns",
  "inbound_groups",
  "lists",
  "vicidial_url_multi",
  "vicidial_url_log",
  "next_url_id",
] as const;

/**
 * Builds a seed from a transcript's `initial_state` (or a whole transcript,
 * whose initial_state is taken). Throws StateFileError naming the field.
 */
export function seedFromTranscript(initialState: unknown): SandboxSeed {
  const outer = record(initialState, "", "any");
  const st = outer.initial_state !== undefined ? record(outer.initial_state, "initial_state", "any") : outer;
  record(st, "", TOP_KEYS);
  if (st.note !== undefined && typeof st.note !== "string") fail("note", "expected text");
  if (st.system_settings !== undefined) checkSystemSettings(st.system_settings);

  const groups = readAll(st, "user_groups", readUserGroup);
  const users = readAll(st, "users", readUser);
  const campaigns = readAll(st, "campaigns", readCampaign);
  const inbound = readAll(st, "inbound_groups", readInboundGroup);
  const lists = readAll(st, "lists", readList);
  const rows = readAll(st, "vicidial_url_multi", readAltUrl);
  const log = readAll(st, "vicidial_url_log", readUrlLog);
  unique(groups, (g) => g.user_group, "user_group");
  unique(users, (u) => u.user, "user");
  unique(campaigns, (c) => c.campaign_id, "campaign_id");
  unique(inbound, (g) => g.group_id, "group_id");
  unique(lists, (l) => String(l.list_id), "list_id");
  unique(rows, (r) => String(r.url_id), "url_id");
  unique(log, (r) => String(r.url_log_id), "url_log_id");

  const maxId = rows.reduce((m, { item }) => Math.max(m, item.url_id), 0);
  const next = st.next_url_id === undefined ? 1 : fields(st, "").whole("next_url_id", { min: 1, max: 4294967295 });
  const seed: SandboxSeed = {
    user_groups: groups.map((g) => g.item),
    users: users.map((u) => u.item),
    campaigns: campaigns.map((c) => c.item),
    inbound_groups: inbound.map((g) => g.item),
    lists: lists.map((l) => l.item),
    vicidial_url_multi: rows.map((r) => r.item),
    next_url_id: Math.max(next, maxId + 1),
  };
  if (log.length > 0) seed.vicidial_url_log = log.map((r) => r.item);
  return seed;
}

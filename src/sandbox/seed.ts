/**
 * Seed data: the default small call centre used by `npm start` without a
 * VICIDIAL_URL and by `npm run sandbox`, and the mapping of the recorded
 * transcript's initial_state.
 */
import { DEFAULT_UTC_OFFSET_HOURS } from "./clock.js";
import type { SandboxAltUrl, SandboxCampaign, SandboxSeed, SandboxUser } from "./types.js";
import { urlLogRowsFromState } from "./url-log.js";
import { defaultUrlLog } from "./url-log-seed.js";

function campaign(fields: Partial<SandboxCampaign> & Pick<SandboxCampaign, "campaign_id" | "campaign_name">): SandboxCampaign {
  return {
    active: "Y",
    user_group: "---ALL---",
    dial_method: "RATIO",
    dial_level: "1",
    lead_order: "DOWN",
    dial_statuses: "NEW NA B",
    dial_timeout: "26",
    dial_prefix: "9",
    manual_dial_prefix: "",
    three_way_dial_prefix: "",
    dispo_call_url: "",
    start_call_url: "",
    na_call_url: "",
    ...fields,
  };
}

function dispoRow(fields: Omit<SandboxAltUrl, "entry_type" | "url_type">): SandboxAltUrl {
  return { ...fields, entry_type: "campaign", url_type: "dispo" };
}

export interface DefaultSeedOptions {
  /** the moment "today" is taken from for the URL log's deliveries (default now) */
  now?: number;
  /** the server's zone, hours east of UTC (default -5) */
  utcOffsetHours?: number;
}

/**
 * A small, believable call centre: one ALT campaign with four Alt URLs, one
 * campaign with a plain dispo URL, one ALT campaign outside the SALESTEAM
 * group's reach, users covering every permission case, and three days of
 * URL log deliveries (the day before yesterday, yesterday and today).
 */
export function defaultSeed(opts: DefaultSeedOptions = {}): SandboxSeed {
  const users: SandboxUser[] = [
    {
      user: "6666",
      pass: "sandbox1234",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "full admin API user",
    },
    {
      user: "apiuser",
      pass: "apipass8",
      user_level: 8,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " update_alt_url update_campaign campaigns_list ",
      note: "recommended least-rights API user (level 8, three functions)",
    },
    {
      user: "apilow",
      pass: "lowpass1",
      user_level: 7,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "level 7: logs in, may not change campaigns; admin page answers 401 (counts as a failed login)",
    },
    {
      user: "noapi",
      pass: "noapi1234",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 0,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "API access off: permission errors on every function",
    },
    {
      user: "sales",
      pass: "salespass",
      user_level: 8,
      user_group: "SALESTEAM",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "group SALESTEAM: sees only campaigns 2001 and 2002",
    },
    {
      user: "nofunc",
      pass: "nofunc123",
      user_level: 9,
      user_group: "ADMIN",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " version ",
      note: "allowed API functions: version only (function-permission error)",
    },
    {
      user: "rptlimit",
      pass: "rptlimit1",
      user_level: 8,
      user_group: "LIMITED",
      active: "Y",
      vdc_agent_api_access: 1,
      modify_campaigns: 1,
      view_reports: 1,
      api_allowed_functions: " ALL_FUNCTIONS ",
      note: "group LIMITED may not view the URL Log Report (401 after a good login)",
    },
  ];

  const campaigns: SandboxCampaign[] = [
    campaign({
      campaign_id: "2001",
      campaign_name: "Outbound Sales",
      dial_method: "RATIO",
      dial_level: "2.5",
      dispo_call_url: "ALT",
    }),
    campaign({
      campaign_id: "2002",
      campaign_name: "Customer Care",
      dial_method: "INBOUND_MAN",
      dial_level: "0",
      lead_order: "UP",
      dial_statuses: "NEW",
      dial_timeout: "45",
      dispo_call_url: "https://helpdesk.example.com/vicidial/dispo.php?lead=--A--lead_id--B--",
    }),
    campaign({
      campaign_id: "3001",
      campaign_name: "Retention West",
      user_group: "WEST",
      dial_method: "ADAPT_AVERAGE",
      dial_level: "3",
      lead_order: "DOWN COUNT",
      dial_statuses: "NEW NA B DROP",
      dial_timeout: "30",
      dispo_call_url: "ALT",
    }),
  ];

  const rows: SandboxAltUrl[] = [
    dispoRow({
      url_id: 1,
      campaign_id: "2001",
      active: "Y",
      url_rank: 1,
      url_statuses: "SALE",
      url_description: "CRM - record the sale",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://crm.example.com/vicidial/sale?lead_id=--A--lead_id--B--&phone=--A--phone_number--B--&agent=--A--user--B--",
    }),
    dispoRow({
      url_id: 2,
      campaign_id: "2001",
      active: "Y",
      url_rank: 2,
      url_statuses: "SALE PSALE",
      url_description: "Order system, lists 101 and 102 only",
      url_lists: "101 102",
      url_call_length: 30,
      url_address: "https://orders.example.com/api/vicidial?lead=--A--lead_id--B--&status=--A--dispo--B--&talk=--A--talk_time--B--",
    }),
    dispoRow({
      url_id: 3,
      campaign_id: "2001",
      active: "N",
      url_rank: 3,
      url_statuses: "CALLBK",
      url_description: "Callback scheduler - paused",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://calendar.example.com/callback?lead=--A--lead_id--B--&when=--A--callback_datetime--B--&agent=--A--user--B--",
    }),
    dispoRow({
      url_id: 4,
      campaign_id: "2001",
      active: "Y",
      url_rank: 4,
      url_statuses: "---ALL---",
      url_description: "Call log for every disposition",
      url_lists: "",
      url_call_length: 0,
      url_address:
        "https://log.example.com/dispo?campaign=--A--campaign--B--&lead=--A--lead_id--B--&status=--A--dispo--B--&secs=--A--talk_time--B--",
    }),
    dispoRow({
      url_id: 5,
      campaign_id: "3001",
      active: "Y",
      url_rank: 1,
      url_statuses: "SALE RETAIN",
      url_description: "Retention desk",
      url_lists: "",
      url_call_length: 0,
      url_address: "https://retention.example.com/saved?lead=--A--lead_id--B--&status=--A--dispo--B--",
    }),
  ];

  return {
    user_groups: [
      { user_group: "ADMIN", allowed_campaigns: " -ALL-CAMPAIGNS- - -" },
      { user_group: "SALESTEAM", allowed_campaigns: " 2001 2002 -" },
      { user_group: "LIMITED", allowed_campaigns: " -ALL-CAMPAIGNS- - -", allowed_reports: "Real-Time Main Report" },
    ],
    users,
    campaigns,
    inbound_groups: [{ group_id: "SUPPORT_IN", dispo_call_url: "" }],
    vicidial_url_multi: rows,
    next_url_id: 6,
    vicidial_url_log: defaultUrlLog({
      rows,
      campaigns,
      now: opts.now ?? Date.now(),
      utcOffsetHours: opts.utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS,
    }),
  };
}

// ---- transcript initial_state --------------------------------------------

type Obj = Record<string, unknown>;

function obj(value: unknown, what: string): Obj {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error(`initial_state: ${what} must be an object`);
  return value as Obj;
}

function arr(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`initial_state: ${what} must be an array`);
  return value;
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key];
  if (typeof v === "number") return String(v);
  if (typeof v !== "string") throw new Error(`initial_state: ${what}.${key} must be a string`);
  return v;
}

function optStr(o: Obj, key: string): string {
  const v = o[key];
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

function num(o: Obj, key: string, what: string): number {
  const v = o[key];
  const n = typeof v === "string" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isFinite(n)) throw new Error(`initial_state: ${what}.${key} must be a number`);
  return n;
}

const flag = (n: number): 0 | 1 => (n > 0 ? 1 : 0);
const yn = (s: string): "Y" | "N" => (s === "Y" ? "Y" : "N");

/** Builds a seed from the transcript's `initial_state` (ids count up from 1). */
export function seedFromTranscript(initialState: unknown): SandboxSeed {
  const st = obj(initialState, "initial_state");
  const user_groups = arr(st.user_groups, "user_groups").map((g, i) => {
    const o = obj(g, `user_groups[${i}]`);
    const allowedReports = o.allowed_reports === undefined ? {} : { allowed_reports: str(o, "allowed_reports", "user_group") };
    return {
      user_group: str(o, "user_group", "user_group"),
      allowed_campaigns: str(o, "allowed_campaigns", "user_group"),
      ...allowedReports,
    };
  });
  const users = arr(st.users, "users").map((u, i): SandboxUser => {
    const o = obj(u, `users[${i}]`);
    const w = `users[${i}]`;
    return {
      user: str(o, "user", w),
      pass: str(o, "pass", w),
      user_level: num(o, "user_level", w),
      user_group: str(o, "user_group", w),
      active: yn(str(o, "active", w)),
      vdc_agent_api_access: flag(num(o, "vdc_agent_api_access", w)),
      modify_campaigns: flag(num(o, "modify_campaigns", w)),
      view_reports: flag(num(o, "view_reports", w)),
      api_allowed_functions: str(o, "api_allowed_functions", w),
    };
  });
  const campaigns = arr(st.campaigns, "campaigns").map((c, i): SandboxCampaign => {
    const o = obj(c, `campaigns[${i}]`);
    const w = `campaigns[${i}]`;
    return {
      campaign_id: str(o, "campaign_id", w),
      campaign_name: str(o, "campaign_name", w),
      active: yn(str(o, "active", w)),
      user_group: optStr(o, "user_group"),
      dial_method: optStr(o, "dial_method"),
      dial_level: optStr(o, "dial_level"),
      lead_order: optStr(o, "lead_order"),
      dial_statuses: optStr(o, "dial_statuses"),
      dial_timeout: optStr(o, "dial_timeout"),
      dial_prefix: optStr(o, "dial_prefix"),
      manual_dial_prefix: optStr(o, "manual_dial_prefix"),
      three_way_dial_prefix: optStr(o, "three_way_dial_prefix"),
      dispo_call_url: optStr(o, "dispo_call_url"),
      start_call_url: optStr(o, "start_call_url"),
      na_call_url: optStr(o, "na_call_url"),
    };
  });
  const inbound_groups = arr(st.inbound_groups, "inbound_groups").map((g, i) => {
    const o = obj(g, `inbound_groups[${i}]`);
    return { group_id: str(o, "group_id", `inbound_groups[${i}]`), dispo_call_url: optStr(o, "dispo_call_url") };
  });
  const rows = arr(st.vicidial_url_multi, "vicidial_url_multi").map((r, i): SandboxAltUrl => {
    const o = obj(r, `vicidial_url_multi[${i}]`);
    const w = `vicidial_url_multi[${i}]`;
    const entry = optStr(o, "entry_type");
    return {
      url_id: num(o, "url_id", w),
      campaign_id: str(o, "campaign_id", w),
      entry_type: entry === "ingroup" || entry === "list" ? entry : "campaign",
      active: yn(optStr(o, "active")),
      url_type: optStr(o, "url_type") || "dispo",
      url_rank: Number(optStr(o, "url_rank") || 1),
      url_statuses: optStr(o, "url_statuses"),
      url_description: optStr(o, "url_description"),
      url_lists: optStr(o, "url_lists"),
      url_call_length: Number(optStr(o, "url_call_length") || 0),
      url_address: optStr(o, "url_address"),
    };
  });
  const next = rows.reduce((m, r) => Math.max(m, r.url_id), 0) + 1;
  const vicidial_url_log = urlLogRowsFromState(st.vicidial_url_log);
  return { user_groups, users, campaigns, inbound_groups, vicidial_url_multi: rows, next_url_id: next, vicidial_url_log };
}

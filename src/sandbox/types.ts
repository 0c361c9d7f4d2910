/**
 * Public types of the embedded VICIdial sandbox. Other parts of the project
 * (the MCP server, its tests, the CLI) depend on these names: keep them.
 */
import type { FetchedUrl, FireDispositionInput, FireDispositionResult } from "./firing-types.js";

export interface SandboxUser {
  user: string;
  pass: string;
  user_level: number;
  user_group: string;
  active: "Y" | "N";
  vdc_agent_api_access: 0 | 1;
  modify_campaigns: 0 | 1;
  view_reports: 0 | 1;
  /** " ALL_FUNCTIONS " or " update_alt_url campaigns_list " (spaces around each name, like VICIdial stores it) */
  api_allowed_functions: string;
  /** human description for the CLI listing */
  note?: string;
  /** failed logins since the last good one (VICIdial's failed_login_count); default 0 */
  failed_login_count?: number;
  /** "YYYY-MM-DD HH:MM:SS" in UTC: the last good login, or the failure that restarted the count; default long ago */
  last_login_date?: string;
}

export interface SandboxUserGroup {
  user_group: string;
  /** " -ALL-CAMPAIGNS- - -" or " 2001 2002 -" */
  allowed_campaigns: string;
  /** when set, only these client IPs may use the API/admin, others get IPBLOCK */
  api_ip_list?: string[];
  /**
   * reports the group may view: "ALL REPORTS" or report names ("Real-Time
   * Main Report, URL Log Report"), tested as case-sensitive substrings.
   * Absent means "ALL REPORTS", the column's default in VICIdial's schema.
   */
  allowed_reports?: string;
  /** user groups whose in-groups ingroup_list shows: " ---ALL--- " (or empty) for all, else " ADMIN SUPPORT -" */
  admin_viewable_groups?: string;
}

export interface SandboxCampaign {
  campaign_id: string;
  campaign_name: string;
  active: "Y" | "N";
  user_group: string;
  dial_method: string;
  dial_level: string;
  lead_order: string;
  dial_statuses: string;
  dial_timeout: string;
  dial_prefix: string;
  manual_dial_prefix: string;
  three_way_dial_prefix: string;
  dispo_call_url: string;
  start_call_url?: string;
  na_call_url?: string;
}

export interface SandboxAltUrl {
  url_id: number;
  campaign_id: string;
  entry_type: "campaign" | "ingroup" | "list";
  active: "Y" | "N";
  url_type: string;
  url_rank: number;
  url_statuses: string;
  url_description: string;
  url_lists: string;
  url_call_length: number;
  url_address: string;
}

export interface SandboxInboundGroup {
  group_id: string;
  /** default "" */
  group_name?: string;
  /** "ALT", "CAMP" (use the campaign's), a URL or "" */
  dispo_call_url: string;
  start_call_url?: string;
  na_call_url?: string;
  add_lead_url?: string;
  /** default "Y"; ingroup_list shows active in-groups only */
  active?: "Y" | "N";
  /** the admin user group owning the in-group (admin viewable groups); default "---ALL---" */
  user_group?: string;
  /** colour cell of the ingroup_list picker; default "" */
  group_color?: string;
}

/** One row of vicidial_lists: only what the Alt URL pages read. */
export interface SandboxList {
  list_id: number;
  list_name: string;
  campaign_id: string;
  active: "Y" | "N";
  /** "ALT" lets the admin page keep noagent Alt URLs for the list */
  na_call_url: string;
}

export interface SandboxSeed {
  user_groups: SandboxUserGroup[];
  users: SandboxUser[];
  campaigns: SandboxCampaign[];
  inbound_groups?: SandboxInboundGroup[];
  lists?: SandboxList[];
  /** in physical (table) order: rows of equal rank are listed in this order */
  vicidial_url_multi: SandboxAltUrl[];
  next_url_id?: number;
  /** what VICIdial fetched (or queued) and what came back, in table order; ids count on from the highest */
  vicidial_url_log?: SandboxUrlLogRow[];
}

export type FaultMode =
  | "latency"
  | "hang"
  | "http500-empty"
  | "html-error"
  | "reset-before-response"
  | "reset-after-apply"
  | "truncated-body"
  | "garbage";

export interface FaultRule {
  mode: FaultMode;
  /** for "latency"; also usable as extra delay with other modes */
  latencyMs?: number;
  match?: {
    path?: "api" | "admin" | "report";
    /** e.g. "update_alt_url" */
    function?: string;
    /** true = only requests that can change data: update_alt_url with alt_url_id not LIST, update_campaign, admin delete (false = only the others) */
    write?: boolean;
  };
  /** apply to this many matching requests then stop; default unlimited */
  times?: number;
}

export interface SandboxRequestRecord {
  method: string;
  path: string;
  /** decoded, GET then POST; the value of `pass` is replaced by "***" */
  params: [string, string][];
  basicUser?: string;
  /** 0 while unanswered, and for requests that never got a status line (hang, reset) */
  status: number;
  at: number;
}

export interface SandboxStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  /** each user's failed-login count (VICIdial's failed_login_count), users at 0 left out */
  failedLogins: Record<string, number>;
  log: SandboxRequestRecord[];
}

export interface SandboxOptions {
  /** default 127.0.0.1 */
  host?: string;
  /** default 0 = ephemeral */
  port?: number;
  /** default: defaultSeed() */
  seed?: SandboxSeed;
  /** ms clock, for lockout tests */
  now?: () => number;
  /** the server's time zone, hours east of UTC (default -5, as the recorded system): url_date, report dates */
  utcOffsetHours?: number;
  /** the longest a fired URL may stay silent before it fails as a timeout (default 60000, PHP's socket timeout) */
  fetchTimeoutMs?: number;
}

export interface Sandbox {
  /** web root, e.g. "http://127.0.0.1:43123" (endpoints are under /vicidial/) */
  url: string;
  port: number;
  /** as seeded (for the CLI/server banner) */
  users: SandboxUser[];
  /** live counters; log holds every request (passwords are not recorded) */
  stats(): SandboxStats;
  /** zero requests/maxInFlight/log (not failed logins) */
  resetStats(): void;
  /** replaces the active rules; [] clears */
  setFaults(rules: FaultRule[]): void;
  /**
   * canonical JSON of all mutable data, for "byte-identical before and after"
   * assertions and state checks: campaigns, inbound_groups, lists,
   * vicidial_url_multi (by url_id), next_url_id, failed_logins (counts),
   * vicidial_url_log. A good login's date stamp is left out.
   */
  dump(): string;
  /** sets the failed-login count of one user (or all) back to 0 */
  resetFailedLogins(user?: string): void;
  /** changes a user's password, as an administrator would on VICIdial's user screen (tests of a password changed mid-session) */
  setPassword(user: string, pass: string): void;
  /** the server's time zone, hours east of UTC */
  utcOffsetHours: number;
  /**
   * Fires the Alt URLs of a simulated disposition as VICIdial does: queues a
   * vicidial_url_log row per matching URL, then (unless browser_fetches is
   * false) fetches them one after another. Resolves when every fetch is done.
   */
  fireDisposition(input: FireDispositionInput): Promise<FireDispositionResult>;
  /** The agent browser's second request (RUNurls): fetches these log rows again, in order. */
  runUrls(urlLogIds: number[], opts?: { fetchTimeoutMs?: number }): Promise<FetchedUrl[]>;
  /** Inserts log rows directly, nothing fetched (bulk scenarios); returns their ids. */
  addUrlLogRows(rows: NewUrlLogRow[]): number[];
  /** A copy of vicidial_url_log in table order. */
  urlLog(): SandboxUrlLogRow[];
  /** A copy of vicidial_report_log: one row per report visit that passed the rights checks. */
  reportLog(): SandboxReportLogRow[];
  /** closes server and all sockets (including hung ones) promptly */
  close(): Promise<void>;
}

/** One row of vicidial_url_log: a URL VICIdial queued or fetched, and what came back. */
export interface SandboxUrlLogRow {
  url_log_id: number;
  /** the call's Asterisk uniqueid for call URLs */
  uniqueid: string;
  /** when the row was written, server local time `YYYY-MM-DD HH:MM:SS` */
  url_date: string;
  /** `dispo`, `start`, `na_callurl`, ... */
  url_type: string;
  /** whole seconds the request took; 0 until it ran */
  response_sec: number;
  /** the URL as fetched, template variables filled in */
  url: string;
  /** what came back, in the writer's format; empty while never fetched */
  url_response: string;
}

/** A log row to insert directly: the id is the table's next one unless given. */
export type NewUrlLogRow = Omit<SandboxUrlLogRow, "url_log_id" | "response_sec" | "url_response"> &
  Partial<Pick<SandboxUrlLogRow, "url_log_id" | "response_sec" | "url_response">>;

/** One row of vicidial_report_log, written for each report visit that passed the rights checks. */
export interface SandboxReportLogRow {
  report_log_id: number;
  /** server local time */
  event_date: string;
  user: string;
  ip_address: string;
  report_name: string;
  browser: string;
  referer: string;
  notes: string;
  url: string;
}

/**
 * The sandbox's "database": users, groups, campaigns, in-groups and the
 * vicidial_url_multi rows, plus the failed-login bookkeeping.
 *
 * Lookups mimic MySQL's default case-insensitive collation, because real
 * VICIdial compares ids (and even passwords, when hashing is off) that way.
 */
import type { SandboxAltUrl, SandboxCampaign, SandboxInboundGroup, SandboxSeed, SandboxUser, SandboxUserGroup } from "./types.js";
import { ReportLog, UrlLog } from "./url-log.js";

/** Failed-login bookkeeping for one user (keyed by the stored user id). */
export interface LoginState {
  /** times (ms) of the failures inside the current 15-minute window */
  failures: number[];
  /** set once ten failures fall inside 15 minutes */
  lockedUntil?: number;
}

/** MySQL-like equality under a *_ci collation (trailing spaces ignored too). */
export function ciEqual(a: string, b: string): boolean {
  return a.replace(/ +$/, "").toLowerCase() === b.replace(/ +$/, "").toLowerCase();
}

/**
 * How MySQL compares an int column with a string literal: the string is read
 * as a number from its leading digits ("5A" is 5, "" and "NEW" are 0).
 */
export function mysqlNumber(value: string): number {
  const m = /^\s*(\d+)/.exec(value);
  return m ? Number(m[1]) : 0;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** JSON with object keys sorted, so equal data always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v as Record<string, unknown>).sort()) {
        sorted[k] = (v as Record<string, unknown>)[k];
      }
      return sorted;
    }
    return v;
  });
}

export class SandboxState {
  readonly users: SandboxUser[];
  readonly userGroups: SandboxUserGroup[];
  readonly campaigns: SandboxCampaign[];
  readonly inboundGroups: SandboxInboundGroup[];
  rows: SandboxAltUrl[];
  nextUrlId: number;
  readonly logins = new Map<string, LoginState>();
  /** vicidial_url_log and vicidial_report_log (left out of dump(): a report visit is a read) */
  readonly urlLog: UrlLog;
  readonly reportLog = new ReportLog();

  constructor(seed: SandboxSeed) {
    // Copies, so a test's seed object is never changed behind its back.
    const s = clone(seed);
    this.users = s.users;
    this.userGroups = s.user_groups;
    this.campaigns = s.campaigns;
    this.inboundGroups = s.inbound_groups ?? [];
    this.rows = s.vicidial_url_multi;
    const maxId = this.rows.reduce((m, r) => Math.max(m, r.url_id), 0);
    this.nextUrlId = Math.max(s.next_url_id ?? 1, maxId + 1);
    this.urlLog = new UrlLog(seed.vicidial_url_log ?? []);
  }

  findUser(user: string): SandboxUser | undefined {
    if (user === "") return undefined;
    return this.users.find((u) => ciEqual(u.user, user));
  }

  groupOf(user: SandboxUser): SandboxUserGroup | undefined {
    return this.userGroups.find((g) => ciEqual(g.user_group, user.user_group));
  }

  /** VICIdial's api_allowed_functions test: " name " or ALL_FUNCTIONS. */
  allowsFunction(user: SandboxUser, fn: string): boolean {
    return user.api_allowed_functions.includes(` ${fn} `) || user.api_allowed_functions.includes("ALL_FUNCTIONS");
  }

  /** The campaign ids the user's group may see, or null for all (-ALL-CAMPAIGNS-). */
  allowedCampaignIds(user: SandboxUser): string[] | null {
    const allowed = this.groupOf(user)?.allowed_campaigns ?? "";
    if (/-ALL/i.test(allowed)) return null;
    return allowed.split(" ").filter((t) => t !== "" && t !== "-");
  }

  /** Campaigns visible to the user, in campaign_id order like an indexed SELECT. */
  visibleCampaigns(user: SandboxUser): SandboxCampaign[] {
    const allowed = this.allowedCampaignIds(user);
    return this.campaigns
      .filter((c) => allowed === null || allowed.some((a) => ciEqual(a, c.campaign_id)))
      .sort((a, b) => (a.campaign_id < b.campaign_id ? -1 : a.campaign_id > b.campaign_id ? 1 : 0));
  }

  findCampaign(id: string): SandboxCampaign | undefined {
    return this.campaigns.find((c) => ciEqual(c.campaign_id, id));
  }

  findInboundGroup(id: string): SandboxInboundGroup | undefined {
    return this.inboundGroups.find((g) => ciEqual(g.group_id, id));
  }

  /**
   * Whether the URL of this type is set to ALT for the campaign / in-group /
   * list named by id (the value compares case-insensitively, as in MySQL).
   */
  isAlt(entryType: string, urlType: string, id: string): boolean {
    let value: string | undefined;
    if (entryType === "campaign") {
      const c = this.findCampaign(id);
      if (urlType === "dispo") value = c?.dispo_call_url;
      else if (urlType === "start") value = c?.start_call_url;
      else if (urlType === "noagent") value = c?.na_call_url;
    } else if (entryType === "ingroup") {
      // The seed only models the in-group's dispo URL; other types are never ALT.
      if (urlType === "dispo") value = this.findInboundGroup(id)?.dispo_call_url;
    }
    // Lists are not modelled: no list is ever in ALT mode.
    return value !== undefined && ciEqual(value, "ALT");
  }

  /** Rows of one campaign/entry type/url type, every comparison case-insensitive. */
  rowsFor(campaignId: string, entryType: string, urlType: string): SandboxAltUrl[] {
    return this.rows
      .filter((r) => ciEqual(r.campaign_id, campaignId) && ciEqual(r.entry_type, entryType) && ciEqual(r.url_type, urlType))
      .sort((a, b) => a.url_id - b.url_id);
  }

  loginState(user: SandboxUser): LoginState | undefined {
    return this.logins.get(user.user);
  }

  /** Canonical JSON of everything a request can change. */
  dump(): string {
    const logins: Record<string, LoginState> = {};
    for (const [user, st] of [...this.logins.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      logins[user] = st;
    }
    return canonicalJson({
      campaigns: [...this.campaigns].sort((a, b) => (a.campaign_id < b.campaign_id ? -1 : 1)),
      inbound_groups: this.inboundGroups,
      vicidial_url_multi: [...this.rows].sort((a, b) => a.url_id - b.url_id),
      next_url_id: this.nextUrlId,
      failed_logins: logins,
    });
  }
}

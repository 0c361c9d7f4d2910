/**
 * The sandbox's "database": users, groups, campaigns, in-groups, lists, the
 * vicidial_url_multi rows in their physical order, the URL log, and each
 * user's failed-login bookkeeping.
 *
 * Lookups mimic MySQL's default case-insensitive collation, because real
 * VICIdial compares ids (and even passwords, when hashing is off) that way.
 */
import type {
  SandboxAltUrl,
  SandboxCampaign,
  SandboxInboundGroup,
  SandboxList,
  SandboxSeed,
  SandboxUser,
  SandboxUserGroup,
} from "./types.js";
import { ReportLog, UrlLog } from "./url-log.js";

/** VICIdial's failed-login columns of one user (see auth.ts). */
export interface LoginRecord {
  failedLoginCount: number;
  /** ms epoch of last_login_date */
  lastLoginAt: number;
}

/** A user that never logged in: VICIdial's default last_login_date, 2001-01-01 00:00:01. */
export const NEVER_LOGGED_IN = Date.UTC(2001, 0, 1, 0, 0, 1);

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

/** MySQL reading a string as a DOUBLE (for list_id = '1001A'): the leading number, else 0. */
export function mysqlDouble(value: string): number {
  const m = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?/i.exec(value);
  return m ? Number(m[0]) : 0;
}

/** "YYYY-MM-DD HH:MM:SS" (UTC) to ms, or undefined when it is not such a date. */
export function parseSqlDate(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  return back.getUTCMonth() === mo - 1 && back.getUTCDate() === d && h < 24 && mi < 60 && s < 60 ? ms : undefined;
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

const byId =
  <T>(key: (t: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

export class SandboxState {
  readonly users: SandboxUser[];
  readonly userGroups: SandboxUserGroup[];
  readonly campaigns: SandboxCampaign[];
  readonly inboundGroups: SandboxInboundGroup[];
  readonly lists: SandboxList[];
  /** vicidial_url_log, read by the URL Log Report and written by the firing simulator */
  readonly urlLog: UrlLog;
  /** vicidial_report_log (left out of dump(): a report visit is a read) */
  readonly reportLog = new ReportLog();
  nextUrlId: number;
  /**
   * The table's physical slots (MyISAM): a delete leaves a hole that the next
   * insert fills, most recently freed first, so equal ranks list in slot order.
   */
  private readonly slots: (SandboxAltUrl | undefined)[];
  private readonly freeSlots: number[] = [];
  private readonly logins = new Map<string, LoginRecord>();

  constructor(seed: SandboxSeed) {
    // Copies, so a test's seed object is never changed behind its back.
    const s = clone(seed);
    this.users = s.users;
    this.userGroups = s.user_groups;
    this.campaigns = s.campaigns;
    this.inboundGroups = s.inbound_groups ?? [];
    this.lists = s.lists ?? [];
    this.urlLog = new UrlLog(s.vicidial_url_log ?? []);
    this.slots = [...s.vicidial_url_multi];
    const maxId = this.slots.reduce((m, r) => Math.max(m, r?.url_id ?? 0), 0);
    this.nextUrlId = Math.max(s.next_url_id ?? 1, maxId + 1);
    for (const u of this.users) {
      const last = u.last_login_date === undefined ? undefined : parseSqlDate(u.last_login_date);
      this.logins.set(u.user, { failedLoginCount: u.failed_login_count ?? 0, lastLoginAt: last ?? NEVER_LOGGED_IN });
    }
  }

  /** Live rows in physical order. */
  get rows(): SandboxAltUrl[] {
    return this.slots.filter((r): r is SandboxAltUrl => r !== undefined);
  }

  /** Inserts a row with the next url_id (ids count up and are never reused). */
  insertRow(fields: Omit<SandboxAltUrl, "url_id">): SandboxAltUrl {
    const row: SandboxAltUrl = { url_id: this.nextUrlId++, ...fields };
    const slot = this.freeSlots.pop();
    if (slot === undefined) this.slots.push(row);
    else this.slots[slot] = row;
    return row;
  }

  deleteRow(row: SandboxAltUrl): void {
    const slot = this.slots.indexOf(row);
    if (slot < 0) return;
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
  }

  findUser(user: string): SandboxUser | undefined {
    if (user === "") return undefined;
    return this.users.find((u) => ciEqual(u.user, user));
  }

  groupOf(user: SandboxUser): SandboxUserGroup | undefined {
    return this.userGroups.find((g) => ciEqual(g.user_group, user.user_group));
  }

  /** The failed-login columns of a user (every seeded user has them). */
  loginRecord(user: SandboxUser): LoginRecord {
    let rec = this.logins.get(user.user);
    if (!rec) {
      rec = { failedLoginCount: 0, lastLoginAt: NEVER_LOGGED_IN };
      this.logins.set(user.user, rec);
    }
    return rec;
  }

  /** Users with failed logins counted, for stats(). */
  failedLoginCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [user, rec] of this.logins) if (rec.failedLoginCount > 0) out[user] = rec.failedLoginCount;
    return out;
  }

  /** A test hook: forget failures (the count goes back to 0). */
  resetFailedLogins(user?: string): void {
    for (const [name, rec] of this.logins) {
      if (user === undefined || ciEqual(name, user)) rec.failedLoginCount = 0;
    }
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
      .sort(byId((c) => c.campaign_id));
  }

  /**
   * Active in-groups in group_id order, limited to the user group's admin
   * viewable groups unless those say ---ALL--- (or are too short to name one).
   */
  viewableInboundGroups(user: SandboxUser): SandboxInboundGroup[] {
    const viewable = this.groupOf(user)?.admin_viewable_groups ?? "";
    const all = /--ALL--/i.test(viewable) || viewable.length <= 3;
    // VICIdial turns " A B -" into IN('---ALL---','','A','B'): the leading space names the empty group too.
    const groups = viewable.replace(/ -/g, "").split(" ");
    return this.inboundGroups
      .filter((g) => (g.active ?? "Y") === "Y")
      .filter((g) => all || ["---ALL---", ...groups].some((v) => ciEqual(v, g.user_group ?? "---ALL---")))
      .sort(byId((g) => g.group_id));
  }

  findCampaign(id: string): SandboxCampaign | undefined {
    return this.campaigns.find((c) => ciEqual(c.campaign_id, id));
  }

  findInboundGroup(id: string): SandboxInboundGroup | undefined {
    return this.inboundGroups.find((g) => ciEqual(g.group_id, id));
  }

  /** list_id is a number column: MySQL reads the id given as a number. */
  findList(id: string): SandboxList | undefined {
    if (id === "") return undefined;
    const wanted = mysqlDouble(id);
    return this.lists.find((l) => l.list_id === wanted);
  }

  /** The name the admin page puts in its title: campaign, in-group or list name, "" when there is none. */
  entryName(entryType: string, id: string): string {
    if (entryType === "campaign") return this.findCampaign(id)?.campaign_name ?? "";
    if (entryType === "ingroup") return this.findInboundGroup(id)?.group_name ?? "";
    if (entryType === "list") return this.findList(id)?.list_name ?? "";
    return "";
  }

  /**
   * Whether the URL of this type is set to ALT for the campaign / in-group /
   * list named by id. The value compares case-insensitively, as in MySQL;
   * an in-group's `CAMP` is not ALT.
   */
  isAlt(entryType: string, urlType: string, id: string): boolean {
    let value: string | undefined;
    if (entryType === "campaign") {
      const c = this.findCampaign(id);
      if (urlType === "dispo") value = c?.dispo_call_url;
      else if (urlType === "start") value = c?.start_call_url;
      else if (urlType === "noagent") value = c?.na_call_url;
    } else if (entryType === "ingroup") {
      const g = this.findInboundGroup(id);
      if (urlType === "dispo") value = g?.dispo_call_url;
      else if (urlType === "start") value = g?.start_call_url;
      else if (urlType === "noagent") value = g?.na_call_url;
      else if (urlType === "addlead") value = g?.add_lead_url;
    } else if (entryType === "list" && urlType === "noagent") {
      value = this.findList(id)?.na_call_url;
    }
    return value !== undefined && ciEqual(value, "ALT");
  }

  /** Rows of one campaign/entry type/url type in physical order, every comparison case-insensitive. */
  rowsFor(campaignId: string, entryType: string, urlType: string): SandboxAltUrl[] {
    return this.rows.filter((r) => ciEqual(r.campaign_id, campaignId) && ciEqual(r.entry_type, entryType) && ciEqual(r.url_type, urlType));
  }

  /** Canonical JSON of everything a request can change (a good login's date stamp excepted). */
  dump(): string {
    return canonicalJson({
      campaigns: [...this.campaigns].sort(byId((c) => c.campaign_id)),
      inbound_groups: this.inboundGroups,
      lists: this.lists,
      vicidial_url_multi: [...this.rows].sort((a, b) => a.url_id - b.url_id),
      next_url_id: this.nextUrlId,
      failed_logins: this.failedLoginCounts(),
      vicidial_url_log: this.urlLog.all(),
    });
  }
}

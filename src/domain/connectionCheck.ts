/**
 * The connection report behind check_connection and `doctor`: version, login,
 * each right this server needs, reachable campaigns and their ALT mode, with
 * the fix beside every problem. Nothing here writes.
 */
import type { CampaignRow } from "../client/parse.js";
import { ToolError } from "../common/errors.js";
import type { Services } from "./runtime.js";
import type { VicidialSystem } from "./system.js";

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}

export interface ConnectionReport {
  ok: boolean;
  vicidial_url: string;
  user: string;
  version: string | null;
  checks: Check[];
  alt_mode: { campaign_id: string; alt: boolean | null }[];
}

/** Probing every campaign costs a request each; past this many, say so instead. */
const MAX_ALT_PROBES = 40;

function fail(name: string, err: unknown): Check {
  const e = err instanceof ToolError ? err : null;
  return { name, ok: false, detail: e ? `${e.code}: ${e.message}` : String(err), fix: e?.fix ?? "See the server's log on stderr." };
}

/**
 * The whole report, step by step. The admin page is probed only after the
 * API has shown the user is level 8+, because a 401 there counts as a failed
 * login (facts §7). Nothing here writes.
 */
export async function runChecks(s: Services, systemName?: string, opts: { shared?: boolean } = {}): Promise<ConnectionReport> {
  const sys = s.system(systemName);
  const checks: Check[] = [];
  const c = sys.api;
  let baseUrl = sys.connection.baseUrl;
  const user = sys.settings.user;
  let version: string | null = null;
  // The server's own checks (configuration, audit log); with several systems, reported once.
  if (opts.shared !== false) await sharedChecks(s, checks);

  try {
    const v = await c.version();
    // An embedded sandbox started on first use has its address only now.
    baseUrl = sys.connection.baseUrl;
    version = v.version;
    checks.push({ name: "version", ok: true, detail: `VICIdial ${v.version} (build ${v.build}) answers at ${baseUrl}` });
  } catch (err) {
    checks.push(fail("version", err));
    return { ok: false, vicidial_url: baseUrl, user: user, version, checks, alt_mode: [] };
  }

  let campaigns: CampaignRow[] = [];
  let loginOk = false;
  try {
    sys.entries.forget();
    campaigns = await sys.entries.visibleCampaigns();
    loginOk = true;
    checks.push({ name: "login", ok: true, detail: `User ${user} logs in` });
    checks.push({
      name: "campaigns_list right",
      ok: true,
      detail: `${campaigns.length} campaign(s) visible${sys.settings.allowedCampaigns ? " within VICIDIAL_ALLOWED_CAMPAIGNS" : ""}`,
    });
  } catch (err) {
    const e = err as ToolError;
    if (e.code === "PERMISSION_DENIED") {
      loginOk = true;
      checks.push({ name: "login", ok: true, detail: `User ${user} logs in` });
      checks.push(fail("campaigns_list right", err));
    } else {
      checks.push(fail("login", err));
    }
  }
  if (!loginOk) return { ok: false, vicidial_url: baseUrl, user: user, version, checks, alt_mode: [] };
  await checkReport(sys, checks);

  if (campaigns.length === 0) {
    checks.push({
      name: "allowed campaigns",
      ok: false,
      detail: "No campaign is visible, so the Alt URL rights cannot be checked.",
      fix: 'Add campaigns to "Allowed Campaigns" of the API user\'s group (VICIdial Admin > User Groups), and check VICIDIAL_ALLOWED_CAMPAIGNS.',
    });
    return { ok: false, vicidial_url: baseUrl, user: user, version, checks, alt_mode: [] };
  }
  checks.push({ name: "allowed campaigns", ok: true, detail: campaigns.map((x) => x.campaign_id).join(", ") });

  const probe = campaigns[0]!.campaign_id;
  let level8 = false;
  try {
    await c.listAltUrls(probe, "dispo");
    level8 = true; // update_alt_url passed VICIdial's level-8 / modify-campaigns check
    checks.push({ name: "update_alt_url right", ok: true, detail: `Alt URLs of ${probe} can be read and written` });
  } catch (err) {
    checks.push(fail("update_alt_url right", err));
  }
  if (!sys.settings.readOnly) {
    try {
      await c.probeUpdateCampaign(probe);
      checks.push({ name: "update_campaign right", ok: true, detail: "Campaigns can be switched to ALT (enable_alt_url_mode)" });
    } catch (err) {
      checks.push(fail("update_campaign right", err));
    }
  }
  await checkAdminPage(sys, checks, level8);

  let altMode: { campaign_id: string; alt: boolean | null }[] = [];
  if (level8) {
    // Side by side: the client keeps at most VICIDIAL_MAX_CONCURRENCY in flight.
    altMode = await Promise.all(
      campaigns.slice(0, MAX_ALT_PROBES).map(async (camp) => ({
        campaign_id: camp.campaign_id,
        alt: await c.probeAltMode(camp.campaign_id, "dispo").catch(() => null),
      })),
    );
    const off = altMode.filter((m) => m.alt === false).map((m) => m.campaign_id);
    checks.push({
      name: "ALT mode",
      ok: true,
      detail:
        `Dispo URL in ALT mode: ${
          altMode
            .filter((m) => m.alt)
            .map((m) => m.campaign_id)
            .join(", ") || "none"
        }` +
        (off.length ? `; not ALT (their Alt URLs do not fire): ${off.join(", ")}` : "") +
        (campaigns.length > MAX_ALT_PROBES ? `; ${campaigns.length - MAX_ALT_PROBES} more not probed` : ""),
    });
  }
  return { ok: checks.every((x) => x.ok), vicidial_url: baseUrl, user: user, version, checks, alt_mode: altMode };
}

async function sharedChecks(s: Services, checks: Check[]): Promise<void> {
  for (const w of s.config.warnings) checks.push({ name: "configuration", ok: false, detail: w, fix: "See the warning itself." });
  if (!s.config.auditLog) checks.push({ name: "audit log", ok: true, detail: "VICIDIAL_AUDIT_LOG=off: writes are not recorded." });
  else {
    const problem = await s.audit.problem();
    checks.push(
      problem
        ? {
            name: "audit log",
            ok: false,
            detail: `Writes cannot be recorded in ${s.config.auditLog}: ${problem}`,
            fix: "Set VICIDIAL_AUDIT_LOG to a file this user can write (or off), then restart the server.",
          }
        : { name: "audit log", ok: true, detail: `Writes are recorded in ${s.config.auditLog}` },
    );
  }
}

export function reportText(r: ConnectionReport): string {
  const lines = [`VICIdial at ${r.vicidial_url} as user ${r.user}: ${r.ok ? "all checks passed" : "problems found"}`];
  for (const ch of r.checks) {
    lines.push(`${ch.ok ? "[ok]  " : "[FAIL]"} ${ch.name}: ${ch.detail}`);
    if (!ch.ok && ch.fix) lines.push(`       fix: ${ch.fix}`);
  }
  return lines.join("\n");
}

/**
 * The URL Log Report (list_url_deliveries): level 7, "View Reports" and the
 * report in the user group's Allowed Reports. Probed once the API has shown
 * the password is right, so a refusal here is a missing right: the report's
 * own 401 comes after a good login and never counts as a failed one.
 */
async function checkReport(sys: VicidialSystem, checks: Check[]): Promise<void> {
  const name = "URL Log Report right (list_url_deliveries)";
  try {
    await sys.report.probe();
    checks.push({ name, ok: true, detail: "AST_url_log_report.php accepts the user: list_url_deliveries can read what VICIdial fetched" });
  } catch (err) {
    checks.push(fail(name, err));
  }
}

/**
 * The admin page (deletes, and every in-group and list Alt URL), probed only
 * once the API has shown the user is level 8 or more: a refused login there
 * counts towards the lockout (facts §7). Then the in-groups it can reach.
 */
async function checkAdminPage(sys: VicidialSystem, checks: Check[], level8: boolean): Promise<void> {
  const name = "admin page (deletes, in-groups, lists)";
  if (!level8) {
    checks.push({
      name,
      ok: false,
      detail:
        "Not probed: the API did not show the user is level 8 or more, and a refused login there would count towards the lockout. Deletes and in-group or list Alt URLs cannot be managed.",
      fix: "Fix the update_alt_url right first.",
    });
    return;
  }
  try {
    await sys.admin.probe();
    checks.push({
      name,
      ok: true,
      detail: "admin_url_multi.php accepts the user: delete_alt_url works, and in-group and list Alt URLs can be managed",
    });
  } catch (err) {
    checks.push(fail(name, err));
    return;
  }
  try {
    const ingroups = await sys.entries.visibleIngroups();
    checks.push({
      name: "in-groups",
      ok: true,
      detail: ingroups.length
        ? `${ingroups.length} active in-group(s) visible: ${ingroups
            .slice(0, 20)
            .map((g) => g.id)
            .join(", ")}${ingroups.length > 20 ? ", ..." : ""}`
        : "No active in-group is visible to this user (in-groups can still be named by id)",
    });
  } catch (err) {
    const e = err instanceof ToolError ? err : null;
    checks.push({
      name: "in-groups",
      ok: true,
      detail: `In-group Alt URLs can be managed by id, but list_ingroups does not work: ${e ? `${e.code}: ${e.message}` : String(err)}`,
      fix: e?.fix,
    });
  }
}

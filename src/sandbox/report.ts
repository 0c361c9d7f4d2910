/**
 * /vicidial/AST_url_log_report.php: the only page that shows what VICIdial
 * fetched and what came back. HTTP Basic login (level 7 is enough), then
 * View Reports, then the user group's allowed reports; a visit that passes
 * is written to vicidial_report_log; then the CSV download or the page.
 */
import { basicLogin } from "./basic-login.js";
import { DEFAULT_UTC_OFFSET_HOURS, localDate, localDateTime, normaliseDateTime } from "./clock.js";
import { csvChunks, csvHeaders } from "./report-csv.js";
import { reportPage } from "./report-page.js";
import { phpTrue, REPORT_NAME, REPORT_PATH, type ReportQuery, readReportQuery, typeSelection } from "./report-query.js";
import { APACHE_CONTENT_TYPE, API_CONTENT_TYPE, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { adminSanitize } from "./sanitize.js";
import type { SandboxState } from "./state.js";
import type { SandboxUser } from "./types.js";

const REALM = { "WWW-Authenticate": 'Basic realm="CONTACT-CENTER-ADMIN"' };

/**
 * The user group's allowed_reports names this report or ALL REPORTS (a
 * substring test). A group row without the field has the column's default,
 * ALL REPORTS; a user whose group has no row at all reads an empty value.
 */
function mayViewReport(state: SandboxState, user: SandboxUser): boolean {
  const group = state.groupOf(user);
  const allowed = group ? (group.allowed_reports ?? "ALL REPORTS") : "";
  return allowed.includes(REPORT_NAME) || allowed.includes("ALL REPORTS");
}

export function handleReport(ctx: RequestContext): SandboxResponse {
  const { state } = ctx;
  const offset = ctx.utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS;
  // The web pages' login: the API's counters and lock, a 401 for a wrong login; level 7 is enough here.
  const auth = basicLogin(ctx, 7);
  if (!auth.ok) return auth.response;
  // The name as sent (letters, digits, - and _ kept), as VICIdial echoes it.
  const user = adminSanitize.authUser(ctx.basic?.user ?? "");
  if (auth.user.view_reports !== 1) {
    return textResponse(`You are not allowed to view reports: |${user}|GOOD|\n`, API_CONTENT_TYPE);
  }
  // A 401 after a good login: the failed-login count was just reset, the password was right.
  if (!mayViewReport(state, auth.user)) {
    return textResponse(`You are not allowed to view this report: |${user}|${REPORT_NAME}|\n`, APACHE_CONTENT_TYPE, 401, REALM);
  }

  const query = readReportQuery(ctx.params, localDate(ctx.now, offset));
  logVisit(ctx, user, query, localDateTime(ctx.now, offset));

  const types = typeSelection(query.urlTypes);
  const runs = phpTrue(query.submit) && query.urlTypes.length > 0;
  const from = normaliseDateTime(`${query.queryDate} ${query.timeFrom}`);
  const to = normaliseDateTime(`${query.queryDate} ${query.timeTo}`);
  // An impossible date or time is no error: it matches no row.
  const rows = runs ? (from && to ? state.urlLog.between(from, to, types.matches) : []) : undefined;

  if (query.fileDownload) {
    const headers = csvHeaders(ctx.now, offset);
    if (!rows || rows.length === 0) return { status: 200, headers, body: Buffer.alloc(0) };
    return { status: 200, headers, body: Buffer.alloc(0), stream: csvChunks(rows) };
  }
  return textResponse(reportPage({ query, types, rows }), APACHE_CONTENT_TYPE);
}

/** PHP's own request log line for the visit (quotes and backslashes removed, as VICIdial does). */
function logVisit(ctx: RequestContext, user: string, q: ReportQuery, eventDate: string): void {
  const env = ctx.http ?? { uri: REPORT_PATH, serverName: "", serverPort: 80, userAgent: "", referer: "" };
  const clean = (v: string) => v.replace(/['"\\]/g, "");
  const port = env.serverPort === 80 || env.serverPort === 443 ? "" : `:${env.serverPort}`;
  const scheme = String(env.serverPort).includes("443") ? "https://" : "http://";
  ctx.state.reportLog.insert({
    event_date: eventDate,
    user,
    ip_address: ctx.ip,
    report_name: REPORT_NAME,
    browser: clean(env.userAgent),
    referer: clean(env.referer),
    notes: `${env.serverName}:${port} ${REPORT_PATH} |${q.queryDate}, , ${q.lowerLimitText}, ${q.upperLimitText}, ${q.fileDownload ? "1" : ""}, ${q.displayType}|`,
    url: `${scheme}${env.serverName}${port}${clean(env.uri)}`,
  });
}

/**
 * /vicidial/AST_url_log_report.php: the only page that shows what VICIdial
 * fetched and what came back. HTTP Basic login (level 7 is enough), then
 * View Reports, then the user group's allowed reports; a visit that passes
 * is written to vicidial_report_log; then the CSV download or the page.
 */
import { login } from "./auth.js";
import { DEFAULT_UTC_OFFSET_HOURS, localDate, localDateTime, normaliseDateTime } from "./clock.js";
import { csvChunks, csvHeaders } from "./report-csv.js";
import { reportPage } from "./report-page.js";
import { phpTrue, REPORT_NAME, REPORT_PATH, type ReportQuery, readReportQuery, typeSelection } from "./report-query.js";
import { APACHE_CONTENT_TYPE, API_CONTENT_TYPE, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { adminSanitize } from "./sanitize.js";

const REALM = { "WWW-Authenticate": 'Basic realm="CONTACT-CENTER-ADMIN"' };

/** A group without allowed_reports (older seeds) may view every report. */
function mayViewReport(allowedReports: string | undefined): boolean {
  const allowed = allowedReports ?? "ALL REPORTS";
  return allowed.includes(REPORT_NAME) || allowed.includes("ALL REPORTS");
}

export function handleReport(ctx: RequestContext): SandboxResponse {
  const { state } = ctx;
  const offset = ctx.utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS;
  // The same stripping as the admin page: letters, digits, - and _.
  const user = adminSanitize.authUser(ctx.basic?.user ?? "");
  const pass = adminSanitize.authPass(ctx.basic?.pass ?? "");

  const result = login(state, { user, pass, ip: ctx.ip, now: ctx.now, minLevel: 7 });
  if (result.kind === "LOCK") return textResponse(`Too many login attempts, try again in 15 minutes: |${user}|LOCK|\n`, API_CONTENT_TYPE);
  if (result.kind === "IPBLOCK") {
    return textResponse(`Your IP Address is not allowed: ${result.ip}: |${user}|IPBLOCK|\n`, API_CONTENT_TYPE);
  }
  if (result.kind === "BAD") {
    return textResponse(`Login incorrect, please try again: |${user}|${pass}|BAD|\n`, APACHE_CONTENT_TYPE, 401, REALM);
  }
  if (result.user.view_reports !== 1) {
    return textResponse(`You are not allowed to view reports: |${user}|GOOD|\n`, API_CONTENT_TYPE);
  }
  // A 401 after a good login: the failed-login count was just reset, the password was right.
  if (!mayViewReport(state.groupOf(result.user)?.allowed_reports)) {
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

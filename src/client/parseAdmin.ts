/**
 * The answers of VICIdial's Alt URL admin page (`admin_url_multi.php`,
 * facts §7 and §9): a 401 with the password echoed, a bare line, or a 55 to
 * 70 KB admin page whose content follows the admin header. The listing's
 * values are written raw (not HTML-escaped) and no stored value can hold a
 * double quote, so each value is read from `value="` to the next `"`.
 */
import { ToolError } from "../common/errors.js";
import type { RawAltUrlRow } from "../common/model.js";
import { classifyLine, serverFault, unexpected } from "./catalogue.js";
import type { HttpResponse } from "./transport.js";

/** The admin header ends here; the page content starts after it (facts §9.5). */
const HEADER_END = "<TR><TD ALIGN=LEFT COLSPAN=2>\n";

export type AdminNotice = "added" | "modified" | "deleted" | "unchanged" | "delete_refused" | null;

export type AdminAnswer =
  /** The listing, after an optional notice about the action. */
  | { kind: "listing"; rows: RawAltUrlRow[]; name: string | null; notice: AdminNotice; noticeId: number | null; line: string | null }
  /** The entry has no URL of this type set to ALT; `exists` tells it from "no such id" (the title's name). */
  | { kind: "not_alt"; exists: boolean; line: string }
  /** The page stopped right after its header: the database refused the statement (strict SQL mode). */
  | { kind: "stopped" }
  /** `ERROR: ID not defined:` to a request without campaign_id: login and rights are fine. */
  | { kind: "probe_ok" }
  | { kind: "error"; error: ToolError; login: "good" | "failed" | "neutral" };

const ROW =
  /<input type=hidden name=url_id value="(\d+)">\n<input type=hidden name=action value=URL_MULTI_MODIFY>\n<td><font size=1>\d+<\/td><td align=right><font size=1>\d+ &nbsp;<\/td><td><font size=1><select size=1 name=active><option value='Y'>Y<\/option><option value='N'>N<\/option><option SELECTED>([^<]*)<\/option><\/select><\/td><td><font size=1><input type=text size=3 maxlength=3 name=url_rank value="([^"]*)"><\/td><td><font size=1><input type=text size=24 maxlength=1000 name=url_statuses value="([^"]*)"><\/td><td><font size=1><input type=text size=24 maxlength=1000 name=url_lists value="([^"]*)"><\/td><td><font size=1><input type=text size=5 maxlength=5 name=url_call_length value="([^"]*)"><\/td><td><font size=1><input type=text size=24 maxlength=255 name=url_description value="([^"]*)"><\/td>[\s\S]*?name=url_address value="([^"]*)"><\/td><\/form>/g;

function rowsOf(content: string, entryType: string, urlType: string, campaignId: string): RawAltUrlRow[] {
  const rows: RawAltUrlRow[] = [];
  for (const m of content.matchAll(ROW)) {
    rows.push({
      url_id: m[1]!,
      campaign_id: campaignId,
      entry_type: entryType,
      active: m[2]!,
      url_type: urlType,
      url_rank: m[3]!,
      url_statuses: m[4]!,
      url_lists: m[5]!,
      url_call_length: m[6]!,
      url_description: m[7]!,
      url_address: m[8]!,
    });
  }
  return rows;
}

function titleName(body: string): string | null {
  const m = /<title>ADMINISTRATION: URL Multi Entry [^<]*? - ([^<]*)<\/title>/.exec(body);
  return m ? m[1]! : null;
}

/** The few short answers that are the whole body or the whole content. */
const LOGIN_LINES: { re: RegExp; login: "failed" | "good" }[] = [
  { re: /Too many login attempts, try again in 15 minutes[^\n<]*/, login: "failed" },
  { re: /Your IP Address is not allowed[^\n<]*/, login: "failed" },
  { re: /Login incorrect, please try again[^\n<]*/, login: "failed" },
  { re: /You do not have permissions? to modify campaigns[^\n<]*/, login: "good" },
  { re: /Your session is expired\.[^\n]*/, login: "failed" },
];

export function parseAdminAnswer(
  res: HttpResponse,
  opts: { what: string; entryType: string; urlType: string; campaignId: string },
): AdminAnswer {
  const body = res.body;
  if (res.status === 401) {
    const error = classifyLine(firstLine(body)) ?? classifyLine("Login incorrect, please try again")!;
    return { kind: "error", error, login: "failed" };
  }
  if (res.status === 500 && body.trim() === "") return { kind: "error", error: serverFault(opts.what, 500), login: "neutral" };
  if (res.status !== 200) return { kind: "error", error: unexpected(opts.what, body, res.status), login: "neutral" };
  const at = body.indexOf(HEADER_END);
  if (at < 0) {
    // No admin header: the whole body is a short answer.
    const trimmed = body.trim();
    if (trimmed === "ERROR: ID not defined:") return { kind: "probe_ok" };
    for (const { re, login } of LOGIN_LINES) {
      const m = re.exec(trimmed);
      if (m) return { kind: "error", error: classifyLine(m[0].trim()) ?? unexpected(opts.what, body, res.status), login };
    }
    const known = classifyLine(firstLine(trimmed));
    if (known && /^ERROR: (no entry type|no valid url type)/.test(trimmed)) return { kind: "error", error: known, login: "good" };
    return { kind: "error", error: unexpected(opts.what, body, res.status), login: "neutral" };
  }
  const content = body.slice(at + HEADER_END.length);
  const line = firstLine(content) || null;
  if (content.trim() === "" || /^\s*\n*<br><br><br>\n<font size=1> runtime:/.test(content)) return { kind: "stopped" };
  if (line?.startsWith("This URL is not set ALT")) {
    const name = titleName(body);
    return { kind: "not_alt", exists: name !== null && name !== "", line };
  }
  const listing = content.includes("name=url_rank") || content.includes("Alternate URL Form");
  const notices: [RegExp, AdminNotice][] = [
    [/^<BR><b>1 MULTI URL ADDED<\/b>/, "added"],
    [/^<BR><b>1 MULTI URL MODIFIED \(ID: (\d+)\)<\/b>/, "modified"],
    [/^<BR><b>1 MULTI URL DELETED \(ID: (\d+)\)<\/b>/, "deleted"],
    [/^ERROR: Problem modifying URL: {2}0\|/, "unchanged"],
    [/^ERROR: URL entry must be set to not active before you delete it:/, "delete_refused"],
  ];
  for (const [re, notice] of notices) {
    const m = re.exec(content);
    if (m && listing) {
      return {
        kind: "listing",
        rows: rowsOf(content, opts.entryType, opts.urlType, opts.campaignId),
        name: titleName(body),
        notice,
        noticeId: m[1] ? Number(m[1]) : null,
        line,
      };
    }
  }
  if (line && /^ERROR:/.test(line)) {
    const error = classifyLine(line) ?? unexpected(opts.what, body, res.status);
    return { kind: "error", error: new ToolError({ ...error.toPayload(), cause: error.reason, vicidialResponse: line }), login: "good" };
  }
  if (listing && /^<TABLE><TR><TD>/.test(content)) {
    return {
      kind: "listing",
      rows: rowsOf(content, opts.entryType, opts.urlType, opts.campaignId),
      name: titleName(body),
      notice: null,
      noticeId: null,
      line: null,
    };
  }
  return { kind: "error", error: unexpected(opts.what, body, res.status), login: "neutral" };
}

function firstLine(text: string): string {
  return (text.split("\n").find((l) => l.trim().length > 0) ?? "").trim().slice(0, 500);
}

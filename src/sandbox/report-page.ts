/**
 * The URL Log Report's page views (text and HTML), as VICIdial 2.14 prints
 * them: a count per url_type, then at most 1000 records a page with links
 * to the download and the neighbouring pages. The text view cuts URL and
 * response into 80-byte pieces and HTML-escapes them; the HTML view writes
 * them raw. Both show CR and LF as the two characters `\r` and `\n`.
 */

import { reportForm } from "./report-form.js";
import { REPORT_PATH, type ReportQuery, type TypeSelection } from "./report-query.js";
import type { SandboxUrlLogRow } from "./types.js";

const PAGE_SIZE = 1000;
const RULE =
  "+----------------------+---------------------+--------------+----------+" +
  "----------------------------------------------------------------------------------+" +
  "----------------------------------------------------------------------------------+\n";
const GREY = "small_standard_bold grey_graph_cell";

export interface ReportPageInput {
  query: ReportQuery;
  types: TypeSelection;
  /** the selected rows in url_date order, or undefined when no report ran (no SUBMIT, no url_type[]) */
  rows: readonly SandboxUrlLogRow[] | undefined;
}

/** sprintf("%-Ns"): pads by bytes, never cuts. */
function padBytes(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - Buffer.byteLength(text)));
}

/** PHP 8's htmlspecialchars defaults (ENT_QUOTES | ENT_SUBSTITUTE): bad UTF-8 becomes U+FFFD. */
function htmlspecialchars(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { fatal: false })
    .decode(bytes)
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#039;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

const shownResponse = (text: string) => text.replace(/\r/g, "\\r").replace(/\n/g, "\\n");

/** MySQL's GROUP BY url_type ORDER BY url_type under a *_general_ci collation (letters weigh as capitals). */
function countsByType(rows: readonly SandboxUrlLogRow[]): [string, number][] {
  const groups = new Map<string, [string, number]>();
  for (const row of rows) {
    const key = row.url_type.replace(/ +$/, "").toUpperCase();
    const group = groups.get(key);
    if (group) group[1]++;
    else groups.set(key, [row.url_type, 1]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, group]) => group);
}

/** One record of the text view: as many 80-byte lines as the longer of URL and response needs. */
function textRecord(row: SandboxUrlLogRow): string {
  const url = Buffer.from(row.url);
  const response = shownResponse(row.url_response);
  const responseBytes = Buffer.from(response);
  // The line count comes from character lengths, the pieces from byte offsets (PHP's mb_strlen and substr).
  const lines = Math.ceil(Math.max([...row.url].length, [...response].length) / 80);
  let out = "";
  for (let j = 0; j < lines; j++) {
    const urlPiece = url.subarray(80 * j, 80 * j + 80);
    const responsePiece = responseBytes.subarray(80 * j, 80 * j + 80);
    out +=
      j === 0
        ? `| ${padBytes(row.uniqueid, 21)}| ${padBytes(row.url_date, 20)}| ${padBytes(row.url_type, 13)}| ${padBytes(String(row.response_sec), 9)}`
        : `| ${" ".repeat(21)}| ${" ".repeat(20)}| ${" ".repeat(13)}| ${" ".repeat(9)}`;
    out += `| ${htmlspecialchars(urlPiece)}${" ".repeat(Math.max(0, 81 - urlPiece.length))}`;
    out += `| ${htmlspecialchars(responsePiece)}${" ".repeat(Math.max(0, 81 - responsePiece.length))}|\n`;
  }
  return out;
}

function htmlRecord(row: SandboxUrlLogRow, position: number): string {
  const cls = `small_standard_bold ${position % 2 === 0 ? "grey_graph_cell" : "white_graph_cell"}`;
  const cell = (width: number, value: string | number, wrap = false) =>
    `<td class='${cls}' width='${width}'><div style='width: ${width}px'${wrap ? " class='wordwrap'" : ""}>${value}</div></td>`;
  return (
    "<TR valign='top'>" +
    cell(90, row.uniqueid, true) +
    cell(120, row.url_date) +
    cell(70, row.url_type) +
    cell(70, row.response_sec) +
    cell(350, row.url, true) +
    cell(300, shownResponse(row.url_response), true) +
    "</TR>"
  );
}

interface Paging {
  lower: number;
  upper: number;
  total: number;
}

/** VICIdial's own arithmetic, quirks included (exactly 1000 rows give "RECORDS #1-0" and no rows shown). */
function paging(lowerLimitText: string, total: number): Paging {
  const lower = Number(lowerLimitText) || 1;
  const upper = lower + PAGE_SIZE - 1 >= total ? lower + (total % PAGE_SIZE) - 1 : lower + PAGE_SIZE - 1;
  return { lower, upper, total };
}

function links(q: ReportQuery, types: TypeSelection, p: Paging) {
  const window = `&type=&query_date=${q.queryDate}&query_date_D=${q.timeFrom}&query_date_T=${q.timeTo}${types.queryString}`;
  const page = (lower: number) =>
    `${REPORT_PATH}?SUBMIT=${q.submit}&DB=${q.db}&report_display_type=${q.displayType}${window}&lower_limit=${lower}`;
  const previous = p.lower - PAGE_SIZE;
  const hasNext = p.lower + PAGE_SIZE < p.total;
  return {
    download: `${REPORT_PATH}?SUBMIT=${q.submit}&DB=${q.db}${window}&lower_limit=${p.lower}&upper_limit=${p.upper}&file_download=1`,
    previous: previous >= 1 ? { href: page(previous), label: "[<<< PREV 1000 records]" } : undefined,
    next: hasNext
      ? { href: page(p.lower + PAGE_SIZE), label: `[NEXT ${p.upper + PAGE_SIZE >= p.total ? p.total - p.upper : PAGE_SIZE} records >>>]` }
      : undefined,
    colspan: previous < 1 || p.lower + PAGE_SIZE >= p.total ? 6 : 3,
  };
}

function textView(q: ReportQuery, types: TypeSelection, rows: readonly SandboxUrlLogRow[]): string {
  const window = `${q.queryDate}, ${q.timeFrom} TO ${q.timeTo} `;
  const p = paging(q.lowerLimitText, rows.length);
  const l = links(q, types, p);
  let out = `--- URL TYPE BREAKDOWN FOR ${window}\n+--------------+---------+\n| URL TYPE     | COUNT   |\n+--------------+---------+\n`;
  for (const [type, count] of countsByType(rows)) out += `| ${padBytes(type, 13)}| ${padBytes(String(count), 8)}|\n`;
  out += `+--------------+---------+\n|        TOTAL | ${padBytes(String(rows.length), 8)}|\n+--------------+---------+\n\n`;
  out += `--- URL LOG RECORDS FOR ${window}, RECORDS #${p.lower}-${p.upper}               <a href="${l.download}">[DOWNLOAD]</a>\n`;
  const pager =
    (l.previous ? `<a href="${l.previous.href}">${l.previous.label}</a>` : " ".repeat(23)) +
    " ".repeat(145) +
    (l.next ? `<a href="${l.next.href}">${l.next.label}</a>` : " ".repeat(23)) +
    "\n";
  let table = RULE;
  table += `| ${"UNIQUE ID".padEnd(20)} | ${"URL DATE".padEnd(19)} | ${"URL TYPE".padEnd(12)} | ${"RESP SEC".padEnd(8)} | ${"URL".padEnd(80)} | ${"URL RESPONSE".padEnd(80)} |\n`;
  table += RULE;
  for (let i = p.lower; i <= Math.min(p.upper, rows.length); i++) table += textRecord(rows[i - 1]!);
  table += RULE;
  return `<PRE><font size=2>\n${out}${pager}${table}${pager}</font></PRE>\n`;
}

function htmlView(q: ReportQuery, types: TypeSelection, rows: readonly SandboxUrlLogRow[]): string {
  const window = `${q.queryDate}, ${q.timeFrom} TO ${q.timeTo} `;
  const p = paging(q.lowerLimitText, rows.length);
  const l = links(q, types, p);
  let out =
    "<table border='0' cellpadding='0' cellspacing='2' width='350'>" +
    `<TR><TH colspan='2' class='${GREY}'>URL TYPE BREAKDOWN FOR ${window}</TH></TR>` +
    `<TR><TH class='${GREY}'>URL TYPE</th><TH class='${GREY}'>COUNT</th></tr>`;
  for (const [type, count] of countsByType(rows))
    out += `<TR><TD class='small_standard'>${type}</td><TD class='small_standard'>${count}</td></tr>`;
  out += `<TR><TH class='${GREY}'>TOTAL</th><TH class='${GREY}'>${rows.length}</th></tr></table>`;
  out += "<BR><BR><table border='0' cellpadding='0' cellspacing='2' width='1000'>";
  const pagerCell = (link: { href: string; label: string }, align: string) =>
    `<Td colspan='${l.colspan}' class='${GREY}' align='${align}'><a href="${link.href}">${link.label}</a></TH>`;
  const pager = `<TR>${l.previous ? pagerCell(l.previous, "left") : ""}${l.next ? pagerCell(l.next, "right") : ""}</TR>`;
  let table =
    `<TR><TH colspan='5' class='${GREY}'>URL LOG RECORDS FOR ${window}, RECORDS #${p.lower}-${p.upper}</TH>` +
    `<TD align='right' class='${GREY}'><a href="${l.download}">[DOWNLOAD]</a></td></TR>` +
    `<TR><TH class='${GREY}' width='90'>UNIQUE ID</TH><TH class='${GREY}' width='120'>URL DATE</TH>` +
    `<TH class='${GREY}' width='70'>URL TYPE</TH><TH class='${GREY}' width='70'>RESP SEC</TH>` +
    `<TH class='${GREY}' width='300'>URL</TH><TH class='${GREY}' width='300'>URL RESPONSE</TH></TR>`;
  for (let i = p.lower; i <= Math.min(p.upper, rows.length); i++) table += htmlRecord(rows[i - 1]!, i);
  return `${out}${pager}${table}${pager}</table>`;
}

/** The whole page: form only without a report, "NO RECORDS FOUND", or the chosen view. */
export function reportPage({ query, types, rows }: ReportPageInput): string {
  const form = reportForm(query, types.sent);
  if (rows === undefined) return form;
  const html = query.displayType === "HTML";
  if (rows.length === 0) {
    return `${form}*** NO RECORDS FOUND ***\n${html ? "" : "<PRE><font size=2>\n</font></PRE>\n"}</form></BODY></HTML>\n`;
  }
  return `${form}${html ? htmlView(query, types, rows) : textView(query, types, rows)}</form></BODY></HTML>\n`;
}

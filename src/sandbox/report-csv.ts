/**
 * The URL Log Report's CSV download, as VICIdial 2.14 writes it: every field
 * in double quotes with nothing escaped (a `"` stays single, CR and LF stay
 * raw, so a record may span lines), each record ended by LF, and then every
 * run of spaces next to a `"` deleted throughout. Every row of the window,
 * with no 1000-row page. The body is produced in chunks so a day of 100,000
 * rows is never one 30 MB string.
 */
import { fileStamp } from "./clock.js";
import type { SandboxUrlLogRow } from "./types.js";

export const CSV_HEADER_LINE = '"UNIQUE ID","URL DATE","URL TYPE","RESP SEC","URL","URL RESPONSE"\n';
const CHUNK_CHARS = 64 * 1024;

/**
 * VICIdial deletes spaces before and after every `"` of the whole text. No
 * run of spaces can cross from one record into the next (a record ends in
 * `"` LF and the next starts with `"`), so doing it record by record gives
 * the same bytes.
 */
function squeezeQuoteSpaces(text: string): string {
  // Most records have no space beside a quote: skip the regular expressions then.
  if (!text.includes(' "') && !text.includes('" ')) return text;
  return text.replace(/ +"/g, '"').replace(/" +/g, '"');
}

export function csvRecord(row: SandboxUrlLogRow): string {
  return squeezeQuoteSpaces(
    `"${row.uniqueid}","${row.url_date}","${row.url_type}","${row.response_sec}","${row.url}","${row.url_response}"\n`,
  );
}

/** The body in chunks of about 64 KB; nothing at all (not even the header) when there are no rows. */
export function* csvChunks(rows: readonly SandboxUrlLogRow[]): Generator<string> {
  if (rows.length === 0) return;
  let buffer = CSV_HEADER_LINE;
  for (const row of rows) {
    buffer += csvRecord(row);
    if (buffer.length >= CHUNK_CHARS) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer !== "") yield buffer;
}

/** The download's headers; the file name holds the request time in the server's zone. */
export function csvHeaders(nowMs: number, utcOffsetHours: number): Record<string, string> {
  return {
    "Content-Type": "application/octet-stream",
    "Content-Disposition": `attachment; filename="AST_url_log_report_${fileStamp(nowMs, utcOffsetHours)}.csv"`,
    Expires: "0",
    "Cache-Control": "must-revalidate, post-check=0, pre-check=0",
    Pragma: "public",
  };
}

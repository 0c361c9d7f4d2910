/**
 * The URL Log Report's CSV (facts §10.3), read as it arrives. VICIdial
 * escapes nothing inside its quoted fields: a response keeps its own `"`,
 * CR and LF, so a record can span lines and an ordinary CSV parser misreads
 * it. A record therefore starts only at a line that begins with
 * `"<uniqueid>","<YYYY-MM-DD HH:MM:SS>","<type>","<seconds>","`; the URL runs
 * to the next `","` and the response is everything after it up to the `"`
 * that ends the record (the one before the next record's line, or before
 * the end of the body). Spaces next to any `"` were deleted by VICIdial
 * before sending: what is lost is lost, and callers say so where it matters.
 *
 * The parser holds only the record being read (and, while a record is still
 * arriving, the text since its start), never the whole body.
 */
import { StringDecoder } from "node:string_decoder";
import { ToolError } from "../common/errors.js";

export const CSV_HEADER = '"UNIQUE ID","URL DATE","URL TYPE","RESP SEC","URL","URL RESPONSE"\n';

/** One row of vicidial_url_log as the report's CSV shows it. */
export interface UrlLogRecord {
  uniqueid: string;
  /** `YYYY-MM-DD HH:MM:SS`, VICIdial's local time */
  url_date: string;
  url_type: string;
  response_sec: number;
  url: string;
  /** what VICIdial logged as the answer (see facts §10.2 for each type's format) */
  url_response: string;
}

export interface RecordFilter {
  /** The day asked for: a record of another day is text inside a response, not a record. */
  date: string;
  /** The url_type values asked for, lower case; null for every type (`--ALL--`). */
  types: ReadonlySet<string> | null;
}

/** `\n` + the five fields before the URL; uniqueid and type hold no quote or line break. */
const RECORD_START = /\n"([^"\n]*)","(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)","([^"\n]*)","(\d+)","/g;
/** Longest record start worth waiting for at the end of a chunk (uniqueid is varchar(50), type 10). */
const START_MAX = 160;

function malformed(detail: string): ToolError {
  return new ToolError({
    code: "UNEXPECTED_RESPONSE",
    message: `VICIdial's URL Log Report sent a download that is not its CSV: ${detail}.`,
    cause: "A proxy or error page answered instead of the report, or this VICIdial version writes the CSV differently.",
    fix: "Open /vicidial/AST_url_log_report.php in a browser as the API user and download the CSV for the same day; run check_connection.",
  });
}

export class UrlLogCsvParser {
  private readonly decoder = new StringDecoder("utf8");
  /** Text not yet emitted: starts with "\n" + a record start once the header is past. */
  private pending = "";
  private headerSeen = false;
  /** Where the search for the next record start resumes inside `pending`. */
  private scanFrom = 1;
  records = 0;

  constructor(
    private readonly filter: RecordFilter,
    private readonly emit: (record: UrlLogRecord) => void,
  ) {}

  push(chunk: Buffer): void {
    this.feed(this.decoder.write(chunk), false);
  }

  /** The body is complete: the last record ends at the end of the body. */
  end(): void {
    this.feed(this.decoder.end(), true);
  }

  private feed(text: string, last: boolean): void {
    this.pending = this.pending === "" ? text : this.pending + text;
    if (!this.headerSeen) {
      if (this.pending.length < CSV_HEADER.length && !last) return;
      if (this.pending === "" && last) return; // an empty body: no rows
      if (!this.pending.startsWith(CSV_HEADER)) throw malformed("its first line is not the report's header");
      this.headerSeen = true;
      // Keep the header's own newline: every record start is searched as "\n" + fields.
      this.pending = this.pending.slice(CSV_HEADER.length - 1);
      this.scanFrom = 0;
    }
    this.cutRecords(last);
  }

  /** Emit every record whose end is known: each one ends where the next one starts. */
  private cutRecords(last: boolean): void {
    const text = this.pending;
    let start = this.startAt(text, 0);
    if (start === null) {
      // The first record starts right after the header; text that long without one is not the CSV.
      if ((last && text.trim() !== "") || text.length > START_MAX) throw malformed("a line after the header is no record");
      return;
    }
    if (start.index !== 0) throw malformed("text between the header and the first record");
    for (;;) {
      const next = this.startAt(text, Math.max(start.end, this.scanFrom));
      if (next === null) break;
      this.record(start, text.slice(start.end, next.index));
      start = next;
    }
    if (last) {
      this.record(start, text.slice(start.end));
      this.pending = "";
      return;
    }
    // Keep the unfinished record; resume the search where no start can have been missed.
    this.pending = start.index === 0 ? text : text.slice(start.index);
    this.scanFrom = Math.max(start.end - start.index, this.pending.length - START_MAX);
  }

  private startAt(text: string, from: number): { index: number; end: number; fields: string[] } | null {
    RECORD_START.lastIndex = from;
    for (let m = RECORD_START.exec(text); m !== null; m = RECORD_START.exec(text)) {
      // A line of a response that only looks like a record (another day, another type) is response text.
      const types = this.filter.types;
      if (m[2]!.startsWith(this.filter.date) && (types === null || types.has(m[3]!.toLowerCase()))) {
        return { index: m.index, end: m.index + m[0].length, fields: [m[1]!, m[2]!, m[3]!, m[4]!] };
      }
      RECORD_START.lastIndex = m.index + 1;
    }
    return null;
  }

  /** `rest` is `URL","RESPONSE"` (and the record's final LF). */
  private record(start: { fields: string[] }, rest: string): void {
    const end = rest.endsWith('"\n') ? rest.length - 2 : rest.endsWith('"') ? rest.length - 1 : rest.length;
    const cut = rest.indexOf('","');
    const url = cut >= 0 && cut < end ? rest.slice(0, cut) : rest.slice(0, end);
    const response = cut >= 0 && cut < end ? rest.slice(cut + 3, end) : "";
    const [uniqueid, urlDate, urlType, sec] = start.fields as [string, string, string, string];
    this.records++;
    this.emit({ uniqueid, url_date: urlDate, url_type: urlType, response_sec: Number(sec), url, url_response: response });
  }
}

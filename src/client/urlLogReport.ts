/**
 * VICIdial's URL Log Report (`AST_url_log_report.php`, facts §10.3): the only
 * place VICIdial shows what it fetched for each call and what came back. HTTP
 * Basic auth like the admin page, but level 7 with "View Reports" is enough,
 * so no level-8 proof is needed first: a wrong password here is a failed
 * login like any other, and the login gate already lets only one request out
 * until a login is proven. The report's own 401 "not allowed to view this
 * report" comes after a good login: it is a missing right, never a failed
 * login, and it must not trip the stop.
 *
 * One CSV request per day (there is no end date), streamed into the parser.
 */
import { ToolError } from "../common/errors.js";
import { classifyLine, firstLine, serverFault, unexpected } from "./catalogue.js";
import { type Judged, REPORT_PATH, type VicidialConnection } from "./connection.js";
import { UrlLogCsvParser, type UrlLogRecord } from "./parseUrlLog.js";
import type { HttpResponse, StreamHead } from "./transport.js";

/** A day of a busy system is some 30 MB; far beyond any real day is not VICIdial. */
export const REPORT_MAX_BYTES = 1024 * 1024 * 1024;

/** The Alt URL types and the url_type VICIdial logs them under (facts §10.2). */
export const LOGGED_URL_TYPE = { dispo: "dispo", start: "start", noagent: "na_callurl" } as const;
export type DeliveryUrlType = keyof typeof LOGGED_URL_TYPE;

/** The short refusals the report prints instead of a page, and what each says about the login. */
const REFUSALS: { re: RegExp; login: "good" | "failed" }[] = [
  { re: /^Too many login attempts, try again in 15 minutes/, login: "failed" },
  { re: /^Your IP Address is not allowed/, login: "failed" },
  { re: /^Your session is expired/, login: "failed" },
  { re: /^You are not allowed to view reports/, login: "good" },
];

const isCsv = (head: StreamHead) =>
  head.status === 200 && (/octet-stream/i.test(head.contentType) || /^attachment/i.test(head.contentDisposition));

/** What a report answer that is not the CSV means (facts §10.3). */
export function judgeReportRefusal(res: HttpResponse, what: string): { error: ToolError; login: "good" | "failed" | "neutral" } {
  const line = firstLine(res.body);
  if (res.status === 401) {
    // The report's own 401 follows a good login (the count was just reset); any other 401 is a refused login.
    if (/^You are not allowed to view this report/.test(line)) return { error: classifyLine(line)!, login: "good" };
    return { error: classifyLine(line) ?? classifyLine("Login incorrect, please try again")!, login: "failed" };
  }
  if (res.status === 500 && res.body.trim() === "") return { error: serverFault(what, 500), login: "neutral" };
  if (res.status === 200) {
    for (const { re, login } of REFUSALS) if (re.test(line)) return { error: classifyLine(line)!, login };
  }
  return { error: unexpected(what, res.body, res.status), login: "neutral" };
}

export interface DayRead {
  /** Records read from the CSV. */
  records: number;
  /** Bytes of CSV received. */
  bytes: number;
}

export class UrlLogReport {
  /** True once the report answered as the CSV: login and both report rights are good. */
  rightsProven = false;

  constructor(private readonly conn: VicidialConnection) {}

  private params(date: string | null, urlTypes: readonly string[], submit: boolean): [string, string][] {
    return [
      ...(date ? ([["query_date", date]] as [string, string][]) : []),
      ["query_date_D", "00:00:00"],
      ["query_date_T", "23:59:59"],
      ...urlTypes.map((t): [string, string] => ["url_type[]", t]),
      ...(submit ? ([["SUBMIT", "SUBMIT"]] as [string, string][]) : []),
      ["file_download", "1"],
    ];
  }

  private request(params: [string, string][]) {
    const req = this.conn.pageRequest(REPORT_PATH, params);
    // PHP reads url_type%5B%5D too; sent as VICIdial's own form sends it, brackets as they are.
    return { ...req, url: req.url.replace(/url_type%5B%5D=/g, "url_type[]=") };
  }

  /**
   * Every row of one day and these url_type values, handed to the consumer
   * `begin()` returns (called once per attempt, when the CSV starts), in the
   * report's order: by url_date, equal dates in table order.
   */
  readDay(opts: { date: string; urlTypes: readonly string[]; begin: () => (record: UrlLogRecord) => void }): Promise<DayRead> {
    const describe = `the URL Log Report for ${opts.date}`;
    let parser: UrlLogCsvParser | null = null;
    return this.conn.authenticatedStream<DayRead>({
      request: this.request(this.params(opts.date, opts.urlTypes, true)),
      describe,
      maxBytes: REPORT_MAX_BYTES,
      accept: (head) => {
        if (!isCsv(head)) return null;
        const current = new UrlLogCsvParser({ date: opts.date, types: new Set(opts.urlTypes.map((t) => t.toLowerCase())) }, opts.begin());
        parser = current;
        return (chunk) => current.push(chunk);
      },
      judge: (res): Judged<DayRead> => {
        if (!res.streamed || !parser) return judgeReportRefusal(res, describe);
        // The CSV only comes after the login and both rights passed, whatever its content.
        this.rightsProven = true;
        try {
          parser.end();
        } catch (err) {
          if (err instanceof ToolError) return { error: err, login: "good" };
          throw err;
        }
        return { value: { records: parser.records, bytes: res.bytes }, login: "good" };
      },
    });
  }

  /**
   * Login and both report rights, proven with the cheapest answer the report
   * gives: the CSV download without SUBMIT is empty (facts §10.3). VICIdial
   * writes the visit to its report log, as it does for every report visit.
   */
  async probe(): Promise<void> {
    const describe = "the URL Log Report probe";
    await this.conn.authenticatedStream<void>({
      request: this.request(this.params(null, [LOGGED_URL_TYPE.dispo], false)),
      describe,
      maxBytes: REPORT_MAX_BYTES,
      accept: (head) => (isCsv(head) ? () => {} : null),
      judge: (res): Judged<void> => {
        if (!res.streamed) return judgeReportRefusal(res, describe);
        this.rightsProven = true;
        return { value: undefined, login: "good" };
      },
    });
  }
}

/**
 * The URL Log Report's parameters as VICIdial 2.14 reads them: GET before
 * POST, silent sanitising, defaults, and PHP's rules for the `url_type[]`
 * array (a plain `url_type` field is no array, so no report runs).
 */
import type { Pairs, RequestParams } from "./params.js";

export const REPORT_PATH = "/vicidial/AST_url_log_report.php";
export const REPORT_NAME = "URL Log Report";

/** The url types the report's form offers, in its order. */
export const FORM_URL_TYPES = [
  "abandonchk",
  "add_lead",
  "apinewlead",
  "ccc_look",
  "custom",
  "dead",
  "DID_FILTER",
  "dispo",
  "DNCcom",
  "enter_ig",
  "event",
  "na_callurl",
  "non-agent",
  "nva_phone",
  "other",
  "park_ivr_c",
  "pause_max",
  "qm_socket",
  "sc_callurl",
  "start",
  "start_ra",
  "TCPAlit",
  "2FA_SMS",
  "TILTX_SHAK",
  "wcu_off",
  "wcu_on",
  "webform",
] as const;

export interface ReportQuery {
  /** the day as sent (sanitised), or today when absent */
  queryDate: string;
  /** first and last time of the window, `00:00:00` / `23:59:59` when shorter than 6 characters */
  timeFrom: string;
  timeTo: string;
  /** the DB debug field as echoed in the form and links */
  db: string;
  /** the url_type[] values, sanitised; empty when no url_type[] array came */
  urlTypes: string[];
  /** the SUBMIT value as echoed in links; the report runs only when PHP finds it true */
  submit: string;
  fileDownload: boolean;
  displayType: string;
  /** lower_limit and upper_limit as sent (digits), for the report log's notes */
  lowerLimitText: string;
  upperLimitText: string;
}

const dateText = (v: string) => v.replace(/[^- :_0-9a-zA-Z]/g, "");
const word = (v: string) => v.replace(/[^-_0-9a-zA-Z]/g, "");
const digits = (v: string) => v.replace(/[^0-9]/g, "");

/** PHP truthiness of a string: "" and "0" are false. */
export function phpTrue(value: string): boolean {
  return value !== "" && value !== "0";
}

/**
 * PHP 8's `$value > 0` for a request string: numeric strings compare as
 * numbers, any other non-empty string compares as text against "0".
 */
function phpAboveZero(value: string): boolean {
  if (value === "") return false;
  if (/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value) > 0;
  return value > "0";
}

/**
 * What PHP makes of `name` and `name[]` fields in one request source: the
 * last plain field wins as a string, `name[]` fields collect into an array
 * (a plain field after them replaces the array).
 */
function phpField(pairs: Pairs, name: string): string | string[] | undefined {
  let value: string | string[] | undefined;
  for (const [key, v] of pairs) {
    if (key === name) value = v;
    else if (key === `${name}[]`) value = Array.isArray(value) ? [...value, v] : [v];
  }
  return value;
}

function rawValue(params: RequestParams, name: string): string | undefined {
  return params.has(name) ? params.raw(name) : undefined;
}

export function readReportQuery(params: RequestParams, today: string): ReportQuery {
  const sentDate = rawValue(params, "query_date");
  let timeFrom = dateText(params.raw("query_date_D"));
  let timeTo = dateText(params.raw("query_date_T"));
  if (timeFrom.length < 6) timeFrom = "00:00:00";
  if (timeTo.length < 6) timeTo = "23:59:59";
  // GET wins over POST for the whole field, array or not.
  const urlType = phpField(params.getPairs, "url_type") ?? phpField(params.postPairs, "url_type");
  const db = digits(params.raw("DB"));
  return {
    queryDate: sentDate === undefined ? today : dateText(sentDate),
    timeFrom,
    timeTo,
    db: db === "" ? "0" : db,
    urlTypes: Array.isArray(urlType) ? urlType.map(word) : [],
    submit: word(params.raw("SUBMIT")),
    fileDownload: phpAboveZero(word(params.raw("file_download"))),
    displayType: word(params.raw("report_display_type")),
    lowerLimitText: digits(params.raw("lower_limit")),
    upperLimitText: digits(params.raw("upper_limit")),
  };
}

/** The url_type part of the report's SELECT, and how the links repeat it. */
export interface TypeSelection {
  /** `|dispo|na_callurl|`: the values sent, for the form's selected options */
  sent: string;
  /** whether a row's url_type is selected (MySQL's case-insensitive IN, or every type) */
  matches: (urlType: string) => boolean;
  /** `&url_type[]=dispo&url_type[]=na_callurl`, or `&url_type[]=--ALL--` */
  queryString: string;
}

export function typeSelection(urlTypes: readonly string[]): TypeSelection {
  const sent = `|${urlTypes.map((t) => `${t}|`).join("")}`;
  const chosen = urlTypes.filter((t) => t.length > 0);
  const all = sent.includes("--ALL--");
  // With --ALL--, or only empty values, the SELECT has no url_type condition at all.
  const wanted = new Set(chosen.map((t) => t.toLowerCase()));
  const matches = all || chosen.length === 0 ? () => true : (urlType: string) => wanted.has(urlType.replace(/ +$/, "").toLowerCase());
  const queryString = all ? "&url_type[]=--ALL--" : chosen.map((t) => `&url_type[]=${t}`).join("");
  return { sent, matches, queryString };
}

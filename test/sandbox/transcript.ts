/**
 * Replaying recorded VICIdial requests against a sandbox over real HTTP,
 * from inside the test process or against a sandbox CLI started elsewhere.
 * Requests go out exactly as recorded (raw query string or form body, bytes
 * included), and answers are compared as each transcript's how_to_use says.
 */
import { request } from "node:http";

export interface RecordedRequest {
  method: "GET" | "POST";
  path: string;
  /** what went on the wire: the query string for GET, the form body for POST */
  raw_query: string;
  /** HTTP Basic user and password, or null */
  basic_auth: [string, string] | null;
  desc?: string;
  /** a POST's query string on the URL, where a recording lost it (reconstructed) */
  url_query?: string;
}

export interface RecordedAnswer {
  /** -1: no HTTP answer at all (the server hung up) */
  status: number;
  content_type: string | null;
  headers?: Record<string, string>;
  /** header values as regular expressions (the report's CSV file name holds the time of the request) */
  header_patterns?: Record<string, string>;
  body?: string;
  page_content?: string;
  body_contains?: string[];
  body_pattern?: string;
  body_lines_unordered?: string[];
  body_is_admin_page?: boolean;
}

export type RecordedStep = RecordedRequest & RecordedAnswer;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** set when no HTTP answer came (socket hang up, reset) */
  error?: string;
}

/** The end of VICIdial's admin header: page content starts after its first occurrence. */
export const ADMIN_HEADER_END = "<TR><TD ALIGN=LEFT COLSPAN=2>\n";
/** The start of the admin page's footer (runtime line). */
export const ADMIN_FOOTER_START = "\n\n\n<br><br><br>\n<font size=1> runtime: ";

/** The text between the admin header and the footer (or the end when there is no footer). */
export function pageContent(body: string): string | undefined {
  const start = body.indexOf(ADMIN_HEADER_END);
  if (start < 0) return undefined;
  const rest = body.slice(start + ADMIN_HEADER_END.length);
  const end = rest.indexOf(ADMIN_FOOTER_START);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * Sends one recorded request. node:http writes the path as Latin-1 bytes, so
 * a raw_query holding raw bytes (recorded as Latin-1 characters) goes out
 * byte for byte, as it did to the real server.
 */
export function send(webRoot: string, req: RecordedRequest): Promise<Answer> {
  const url = new URL(webRoot);
  const headers: Record<string, string> = {};
  if (req.basic_auth) headers.Authorization = "Basic " + Buffer.from(`${req.basic_auth[0]}:${req.basic_auth[1]}`).toString("base64");
  let body: Buffer | undefined;
  let path = req.path;
  if (req.method === "POST") {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    body = Buffer.from(req.raw_query, "latin1");
    headers["Content-Length"] = String(body.length);
    if (req.url_query) path += `?${req.url_query}`;
  } else if (req.raw_query !== "") {
    path += `?${req.raw_query}`;
  }
  return new Promise((resolve) => {
    const r = request({ host: url.hostname, port: url.port, method: req.method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (e) => resolve({ status: -1, headers: {}, body: "", error: e.message }));
    });
    r.on("error", (e) => resolve({ status: -1, headers: {}, body: "", error: e.message }));
    r.end(body);
  });
}

const clip = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}... (${s.length} chars)` : s);

/** A recorder clipped a long body to its start and "…(<length> chars)". */
const CLIPPED = /\u2026\((\d+) chars\)$/;

function bodyMatches(got: string, recorded: string): boolean {
  const m = CLIPPED.exec(recorded);
  if (!m) return got === recorded;
  return got.length === Number(m[1]) && got.startsWith(recorded.slice(0, m.index));
}

/** Every way the answer differs from the recording; empty when it matches. */
export function differences(got: Answer, want: RecordedAnswer): string[] {
  const out: string[] = [];
  if (want.status === -1) {
    if (got.status !== -1) out.push(`expected no HTTP answer, got status ${got.status}`);
    return out;
  }
  if (got.status !== want.status) out.push(`status ${got.status}, recorded ${want.status}${got.error ? ` (${got.error})` : ""}`);
  const type = got.headers["content-type"];
  if (type !== want.content_type) out.push(`content type ${String(type)}, recorded ${want.content_type}`);
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    const mine = got.headers[name.toLowerCase()];
    if (mine !== value) out.push(`header ${name}: ${String(mine)}, recorded ${value}`);
  }
  for (const [name, pattern] of Object.entries(want.header_patterns ?? {})) {
    const mine = got.headers[name.toLowerCase()];
    if (typeof mine !== "string" || !new RegExp(pattern).test(mine)) out.push(`header ${name}: ${String(mine)}, recorded /${pattern}/`);
  }
  if (want.body !== undefined && !bodyMatches(got.body, want.body))
    out.push(`body\n  got:      ${clip(JSON.stringify(got.body))}\n  recorded: ${clip(JSON.stringify(want.body))}`);
  if (want.page_content !== undefined) {
    const content = pageContent(got.body);
    if (content !== want.page_content) {
      out.push(`page content\n  got:      ${clip(JSON.stringify(content))}\n  recorded: ${clip(JSON.stringify(want.page_content))}`);
    }
  }
  for (const s of want.body_contains ?? []) if (!got.body.includes(s)) out.push(`body lacks ${JSON.stringify(s)}`);
  if (want.body_pattern !== undefined && !new RegExp(want.body_pattern).test(got.body))
    out.push(`body does not match ${want.body_pattern}`);
  if (want.body_lines_unordered !== undefined) {
    const mine = [...got.body.split("\n")].sort();
    const theirs = [...want.body_lines_unordered].sort();
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) out.push(`lines ${JSON.stringify(mine)}, recorded ${JSON.stringify(theirs)}`);
  }
  if (want.body_is_admin_page) {
    if (got.body.length < 40 * 1024) out.push(`admin page of only ${got.body.length} bytes`);
    if (!got.body.startsWith("<html>") || !got.body.includes("<title>ADMINISTRATION: URL Multi Entry")) out.push("not an admin page");
  }
  return out;
}

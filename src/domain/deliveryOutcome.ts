/**
 * What one logged fetch means (facts §10.2, §11.3): `answered` (a body came
 * back), `failed` (PHP's error line, or wget's log without a body; `error`
 * says why in an administrator's words) or `not_fetched` (queued, never
 * requested: the response is empty). Each Alt URL type writes its response
 * in its own format; `response` is what came back without VICIdial's own
 * prefix (the answer's date on dispo rows).
 */
import type { DeliveryUrlType } from "../client/urlLogReport.js";

export type DeliveryOutcome = "answered" | "failed" | "not_fetched";

export interface ReadOutcome {
  outcome: DeliveryOutcome;
  response: string;
  error: string | null;
}

/** `Thu, 26 Nov 2026 09:05:13 -0500|`: when the answer arrived (PHP's date('r')). */
const DISPO_DATE = /^[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}\|/;
const PHP_ERROR = /^PHP ERROR: /;

/** The dispo format without its date; PHP's date('r') is 31 characters, so most rows need no pattern. */
function withoutDate(text: string): string {
  if (text.charCodeAt(31) === 124 && text.charCodeAt(3) === 44 && text.charCodeAt(25) === 32 && /^[A-Z][a-z]{2}, \d\d /.test(text))
    return text.slice(32);
  return text.replace(DISPO_DATE, "");
}

const NEVER_ASKED =
  "not fetched: VICIdial queued this URL at the disposition, but the agent's browser never asked it to fetch it (closed, reloaded or offline before the second request), so it was never sent";

/** PHP's "Failed to open stream" reason, in plain words. */
export function phpReason(reason: string, responseSec: number): string {
  const r = reason.trim();
  const http = /^HTTP request failed! HTTP\/[\d.]+ (\d{3})\s*([^\r\n]*)/.exec(r);
  if (http)
    return `HTTP ${http[1]}${http[2] ? ` ${http[2].trim()}` : ""}: the target answered with an error status (VICIdial does not keep the body of an error answer)`;
  if (r === "HTTP request failed!")
    return `timeout: no complete answer came within PHP's time limit (60 s by default; this one took ${responseSec} s), or the connection dropped before the answer`;
  if (/^Connection refused/.test(r))
    return "connection refused: nothing listens at that address and port, or a firewall rejects VICIdial's server";
  if (/^Connection timed out/.test(r)) return "timeout: the connection could not be opened in time (a firewall may drop it silently)";
  const dns = /getaddrinfo for (\S+) failed: (.*)$/.exec(r);
  if (dns) return `unknown host: ${dns[1]} does not resolve from the VICIdial server (${dns[2]!.trim()})`;
  if (r === "operation failed")
    return "TLS: the HTTPS connection failed (an expired, self-signed or wrong-name certificate, or no common protocol): VICIdial checks certificates";
  if (/^No such file or directory/.test(r))
    return "not a web address: the URL does not start with http:// or https://, so VICIdial opened it as a file on its own server";
  if (/^No route to host|^Network is unreachable/.test(r))
    return `unreachable: ${r} (a routing or firewall problem between VICIdial and the target)`;
  if (/^Redirection limit reached/.test(r)) return "too many redirects: the target kept redirecting (PHP follows at most 20)";
  return `the request failed: ${r}`;
}

/** `PHP ERROR: Type=2 - Message=file(<url>): Failed to open stream: <reason> - Line=... - File=...` */
function phpError(text: string, responseSec: number): string {
  const at = text.indexOf("Failed to open stream: ");
  if (at < 0) {
    const message = /Message=(.*?)(?: - Line=|$)/s.exec(text)?.[1]?.trim() ?? text;
    // PHP's file() gives no error of its own for an empty 200 answer; the log shows whatever warning came last.
    return `empty answer: the target answered but sent no body, which VICIdial logs as an error with an unrelated PHP warning ("${message}")`;
  }
  const rest = text.slice(at + "Failed to open stream: ".length);
  const end = rest.lastIndexOf(" - Line=");
  return phpReason(end >= 0 ? rest.slice(0, end) : rest, responseSec);
}

/** wget's log (line breaks shown as `!`): the reason a no-agent URL got no body. */
function wgetReason(log: string): string {
  const flat = log.replace(/!/g, " ");
  const status = /ERROR (\d{3}):?\s*([^!]*)/.exec(log);
  if (status) return `HTTP ${status[1]}${status[2] ? ` ${status[2].trim()}` : ""}: the target answered with an error status`;
  if (/Connection refused/i.test(flat))
    return "connection refused: nothing listens at that address and port, or a firewall rejects VICIdial's server";
  if (/unable to resolve host address|Name or service not known|failed: Temporary failure in name resolution/i.test(flat))
    return "unknown host: the name does not resolve from the VICIdial server";
  if (/timed out|Read error/i.test(flat)) return "timeout: wget got no complete answer in time";
  if (/SSL|TLS|certificate/i.test(flat)) return "TLS: the HTTPS connection failed";
  return "empty answer: wget logged no body (see the response for its log)";
}

/** The no-agent format: `<body>|<wget log>`, each part `<RESPONSE EMPTY>` / `<HEADER EMPTY>` when empty. */
function naCallurl(text: string): ReadOutcome {
  const split = /\|(?=--\d{4}-\d\d-\d\d \d\d:\d\d:\d\d--|<HEADER EMPTY>)/.exec(text);
  const at = split ? split.index : text.lastIndexOf("|");
  const body = at >= 0 ? text.slice(0, at) : text;
  const log = at >= 0 ? text.slice(at + 1) : "";
  if (body !== "" && body !== "<RESPONSE EMPTY>") return { outcome: "answered", response: body, error: null };
  return { outcome: "failed", response: text, error: wgetReason(log) };
}

/** The outcome of one logged URL of an Alt URL type, from its url_response and response_sec. */
export function readOutcome(urlType: DeliveryUrlType, text: string, responseSec: number): ReadOutcome {
  if (text === "") {
    return {
      outcome: "not_fetched",
      response: "",
      error: urlType === "dispo" ? NEVER_ASKED : "not fetched: VICIdial logged the URL but no answer was ever written for it",
    };
  }
  if (urlType === "noagent") return naCallurl(text);
  // dispo rows start with the answer's date; start rows have none.
  const body = urlType === "dispo" ? withoutDate(text) : text;
  if (PHP_ERROR.test(body)) return { outcome: "failed", response: body, error: phpError(body, responseSec) };
  return { outcome: "answered", response: body, error: null };
}

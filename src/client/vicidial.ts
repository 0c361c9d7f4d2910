/**
 * The VICIdial client: one method per thing this project asks VICIdial, each
 * building its request (every field URL-encoded exactly once), sending it
 * through the transport and parsing the answer.
 *
 * Two guards protect the call centre's admin account: until one login has
 * succeeded only one request is in flight, and after an authentication
 * failure (or a lock or IP block) nothing more is sent until restart.
 */

import { Limiter } from "../shared/concurrency.js";
import { ToolError } from "../shared/errors.js";
import type { UrlType } from "../shared/model.js";
import { Redactor } from "../shared/redact.js";
import {
  type AdminOutcome,
  type CampaignRow,
  type ParsedList,
  parseAdminAnswer,
  parseAltModeProbe,
  parseAltUrlList,
  parseAltUrlWrite,
  parseCampaignsList,
  parseCampaignUpdate,
  parseVersion,
  type UpdateOutcome,
  type VersionInfo,
} from "./parse.js";
import { type HttpRequest, type HttpResponse, HttpTransport, TransportError } from "./transport.js";

export const API_PATH = "/vicidial/non_agent_api.php";
export const ADMIN_PATH = "/vicidial/admin_url_multi.php";

export interface ClientOptions {
  baseUrl: string;
  user: string;
  pass: string;
  source: string;
  timeoutMs: number;
  maxConcurrency: number;
  /** Pause before retrying a read; tests shorten it. */
  retryDelayMs?: number;
}

/** The editable fields of update_alt_url; "" means clear (sent as --BLANK--). */
export interface AltUrlFields {
  active?: "Y" | "N";
  url_rank?: number;
  url_statuses?: string;
  url_description?: string;
  url_lists?: string;
  url_call_length?: number;
  url_address?: string;
}

/** A request as a dry run shows it: the password masked. */
export interface PlannedRequest {
  method: "GET";
  endpoint: string;
  params: Record<string, string>;
  url: string;
}

const BLANKABLE = new Set(["url_address", "url_description", "url_lists"]);
const AUTH_CODES = new Set(["AUTH_FAILED", "ACCOUNT_LOCKED", "IP_NOT_ALLOWED"]);

/**
 * A write answered with something that is not VICIdial's answer (an error
 * page, garbage, an empty HTTP 500) may still have been applied before the
 * answer went wrong: callers must list and reconcile, never assume or resend.
 */
function unknownOutcome(err: unknown): unknown {
  if (!(err instanceof ToolError) || err instanceof TransportError) return err;
  const notVicidialsAnswer = err.code === "UNEXPECTED_RESPONSE" || (err.code === "VICIDIAL_ERROR" && err.vicidialResponse === null);
  if (!notVicidialsAnswer) return err;
  return new TransportError({
    code: err.code,
    message: err.message,
    cause: err.reason,
    fix: err.fix,
    retryable: err.retryable,
    vicidialResponse: err.vicidialResponse,
    field: err.field,
    outcomeUnknown: true,
  });
}

export class VicidialClient {
  readonly redactor: Redactor;
  private readonly transport: HttpTransport;
  /** Serialises requests until a login has been seen to succeed. */
  private readonly firstLogin = new Limiter(1);
  private loggedIn = false;
  private breaker: ToolError | null = null;

  constructor(private readonly opts: ClientOptions) {
    this.redactor = new Redactor([opts.pass]);
    this.transport = new HttpTransport(opts.timeoutMs, opts.maxConcurrency);
  }

  get baseUrl(): string {
    return this.opts.baseUrl;
  }

  /** The authentication failure that stopped all requests, if any. */
  get authFailure(): ToolError | null {
    return this.breaker;
  }

  // ---- requests -----------------------------------------------------------

  private apiParams(fn: string, extra: [string, string][]): [string, string][] {
    return [["source", this.opts.source], ["user", this.opts.user], ["pass", this.opts.pass], ["function", fn], ...extra];
  }

  private altUrlBase(campaignId: string, urlType: UrlType, altUrlId: string): [string, string][] {
    return [
      ["campaign_id", campaignId],
      ["entry_type", "campaign"],
      ["url_type", urlType],
      ["alt_url_id", altUrlId],
    ];
  }

  static fieldParams(fields: AltUrlFields): [string, string][] {
    const out: [string, string][] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      const s = String(v);
      out.push([k, s === "" && BLANKABLE.has(k) ? "--BLANK--" : s]);
    }
    return out;
  }

  /** What a dry run reports: the exact request, password masked. */
  plan(kind: "api" | "admin", params: [string, string][]): PlannedRequest {
    const path = kind === "api" ? API_PATH : ADMIN_PATH;
    const shown = params.map(([k, v]): [string, string] => [k, k === "pass" ? "***" : v]);
    return {
      method: "GET",
      endpoint: path,
      params: Object.fromEntries(shown),
      url: `${this.opts.baseUrl}${path}?${new URLSearchParams(shown).toString()}`,
    };
  }

  planAltUrlWrite(campaignId: string, urlType: UrlType, altUrlId: string, fields: AltUrlFields): PlannedRequest {
    return this.plan(
      "api",
      this.apiParams("update_alt_url", [...this.altUrlBase(campaignId, urlType, altUrlId), ...VicidialClient.fieldParams(fields)]),
    );
  }

  planDelete(campaignId: string, urlType: UrlType, id: number): PlannedRequest {
    return this.plan("admin", this.deleteParams(campaignId, urlType, id));
  }

  planDispoAlt(campaignId: string): PlannedRequest {
    return this.plan(
      "api",
      this.apiParams("update_campaign", [
        ["campaign_id", campaignId],
        ["dispo_call_url", "ALT"],
      ]),
    );
  }

  private deleteParams(campaignId: string, urlType: UrlType, id: number): [string, string][] {
    return [
      ["action", "URL_MULTI_DELETE"],
      ["campaign_id", campaignId],
      ["entry_type", "campaign"],
      ["url_type", urlType],
      ["url_id", String(id)],
    ];
  }

  // ---- sending ------------------------------------------------------------

  private async send(req: HttpRequest, what: string, authenticated: boolean): Promise<HttpResponse> {
    if (authenticated && this.breaker) throw this.breaker;
    if (!authenticated || this.loggedIn) return this.transport.send(req, what);
    return this.firstLogin.run(async () => {
      if (this.breaker) throw this.breaker;
      return this.transport.send(req, what);
    });
  }

  /** Record what an authenticated answer says about the login. */
  private observe<T>(parse: () => T): T {
    try {
      const out = parse();
      this.loggedIn = true;
      return out;
    } catch (err) {
      if (err instanceof ToolError) {
        if (AUTH_CODES.has(err.code)) {
          this.breaker = this.scrub(err);
          throw this.breaker;
        }
        // Any VICIdial answer past the login check proves the login works.
        if (err.vicidialResponse && err.code !== "UNEXPECTED_RESPONSE" && err.code !== "VICIDIAL_ERROR") this.loggedIn = true;
        throw this.scrub(err);
      }
      throw err;
    }
  }

  /** Remove every secret from an error before it goes anywhere. */
  private scrub(err: ToolError): ToolError {
    const r = this.redactor;
    const p = {
      code: err.code,
      message: r.text(err.message),
      cause: r.text(err.reason),
      fix: r.text(err.fix),
      retryable: err.retryable,
      vicidialResponse: err.vicidialResponse === null ? null : r.text(err.vicidialResponse),
      field: err.field,
    };
    return err instanceof TransportError ? new TransportError({ ...p, outcomeUnknown: err.outcomeUnknown }) : new ToolError(p);
  }

  private apiRequest(params: [string, string][]): HttpRequest {
    return { method: "GET", url: `${this.opts.baseUrl}${API_PATH}?${new URLSearchParams(params).toString()}` };
  }

  private async api<T>(fn: string, extra: [string, string][], what: string, parse: (res: HttpResponse) => T, read: boolean): Promise<T> {
    const req = this.apiRequest(this.apiParams(fn, extra));
    return this.withRetry(read, async () => {
      let res: HttpResponse;
      try {
        res = await this.send(req, what, true);
      } catch (err) {
        throw err instanceof ToolError ? this.scrub(err) : err;
      }
      try {
        return this.observe(() => parse(res));
      } catch (err) {
        throw read ? err : unknownOutcome(err);
      }
    });
  }

  /** Reads may be retried with backoff; writes never are (they reconcile instead). */
  private async withRetry<T>(read: boolean, attempt: () => Promise<T>): Promise<T> {
    const delay = this.opts.retryDelayMs ?? 250;
    for (let i = 0; ; i++) {
      try {
        return await attempt();
      } catch (err) {
        const retry =
          read &&
          i < 2 &&
          err instanceof ToolError &&
          err.retryable &&
          !this.breaker &&
          (err.code === "VICIDIAL_UNREACHABLE" || err.code === "VICIDIAL_ERROR" || err.code === "UNEXPECTED_RESPONSE");
        if (!retry) throw err;
        await new Promise((r) => setTimeout(r, delay * 3 ** i));
      }
    }
  }

  // ---- the calls ----------------------------------------------------------

  /** No login needed (facts §4). */
  async version(): Promise<VersionInfo> {
    const req = this.apiRequest([["function", "version"]]);
    return this.withRetry(true, async () => {
      const res = await this.send(req, "the version request", false).catch((err: unknown) => {
        throw err instanceof ToolError ? this.scrub(err) : err;
      });
      try {
        return parseVersion(res);
      } catch (err) {
        throw err instanceof ToolError ? this.scrub(err) : err;
      }
    });
  }

  listAltUrls(campaignId: string, urlType: UrlType): Promise<ParsedList> {
    return this.api(
      "update_alt_url",
      [...this.altUrlBase(campaignId, urlType, "LIST"), ["header", "YES"]],
      `the Alt URL list of ${campaignId}`,
      parseAltUrlList,
      true,
    );
  }

  addAltUrl(campaignId: string, urlType: UrlType, fields: AltUrlFields): Promise<UpdateOutcome> {
    return this.api(
      "update_alt_url",
      [...this.altUrlBase(campaignId, urlType, "NEW"), ...VicidialClient.fieldParams(fields)],
      `the new Alt URL on ${campaignId}`,
      parseAltUrlWrite,
      false,
    );
  }

  /** Only ever call with an id just read from LIST (facts §3: the retargeting trap). */
  updateAltUrl(campaignId: string, urlType: UrlType, id: number, fields: AltUrlFields): Promise<UpdateOutcome> {
    return this.api(
      "update_alt_url",
      [...this.altUrlBase(campaignId, urlType, String(id)), ...VicidialClient.fieldParams(fields)],
      `the change of Alt URL ${id} on ${campaignId}`,
      parseAltUrlWrite,
      false,
    );
  }

  /** True when the campaign's URL of this type is ALT; writes nothing (facts §3). */
  probeAltMode(campaignId: string, urlType: UrlType): Promise<boolean> {
    return this.api(
      "update_alt_url",
      this.altUrlBase(campaignId, urlType, "0"),
      `the ALT mode probe of ${campaignId}`,
      parseAltModeProbe,
      true,
    );
  }

  setDispoCallUrlAlt(campaignId: string): Promise<void> {
    return this.api(
      "update_campaign",
      [
        ["campaign_id", campaignId],
        ["dispo_call_url", "ALT"],
      ],
      `the switch of ${campaignId} to ALT`,
      (res) => {
        const out = parseCampaignUpdate(res);
        if (out.kind !== "updated")
          throw new ToolError({
            code: "UNEXPECTED_RESPONSE",
            message: "VICIdial said there was nothing to update when asked to set Dispo Call URL to ALT.",
            cause: "The update_campaign function of this VICIdial version may not accept dispo_call_url.",
            fix: 'Set "Dispo Call URL" to ALT in VICIdial Admin > Campaigns > (campaign) > Detail.',
            vicidialResponse: res.body.trim().split("\n")[0] ?? null,
          });
      },
      false,
    );
  }

  /** update_campaign with no field: proves the right without changing anything (facts §4). */
  probeUpdateCampaign(campaignId: string): Promise<void> {
    return this.api(
      "update_campaign",
      [["campaign_id", campaignId]],
      "the update_campaign probe",
      (res) => {
        parseCampaignUpdate(res);
      },
      true,
    );
  }

  campaignsList(): Promise<CampaignRow[]> {
    return this.api("campaigns_list", [["header", "YES"]], "the campaign list", parseCampaignsList, true);
  }

  /** Delete through the admin page (the only way; the row must be inactive). */
  async adminDelete(campaignId: string, urlType: UrlType, id: number): Promise<AdminOutcome> {
    const out = await this.admin(this.deleteParams(campaignId, urlType, id), `the delete of Alt URL ${id}`);
    // An answer that is not the admin page's may follow a delete that happened: the caller lists to find out.
    if (out.kind === "error") {
      const unknown = unknownOutcome(out.error);
      if (unknown instanceof TransportError) throw unknown;
    }
    return out;
  }

  /** The admin page without campaign_id: proves login and rights there, changes nothing. */
  adminProbe(): Promise<AdminOutcome> {
    return this.admin([["action", "URL_MULTI_DELETE"]], "the admin page probe");
  }

  private async admin(params: [string, string][], what: string): Promise<AdminOutcome> {
    const basic = Buffer.from(`${this.opts.user}:${this.opts.pass}`).toString("base64");
    const req: HttpRequest = {
      method: "GET",
      url: `${this.opts.baseUrl}${ADMIN_PATH}?${new URLSearchParams(params).toString()}`,
      headers: { authorization: `Basic ${basic}` },
    };
    let res: HttpResponse;
    try {
      res = await this.send(req, what, true);
    } catch (err) {
      throw err instanceof ToolError ? this.scrub(err) : err;
    }
    const out = parseAdminAnswer(res, what);
    if (out.kind === "error") {
      const err = this.scrub(out.error);
      if (AUTH_CODES.has(err.code)) {
        this.breaker = err;
      }
      return { kind: "error", error: err };
    }
    this.loggedIn = true;
    return out;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

/**
 * VICIdial's non-agent API (`non_agent_api.php`): one method per question
 * this project asks it, each building its request (every field URL-encoded
 * exactly once), sending it through the connection's login gate and parsing
 * the answer. Campaigns only: the API looks every id up among campaigns.
 */
import { ToolError } from "../common/errors.js";
import type { UrlType } from "../common/model.js";
import { API_PATH, type Judged, type PlannedRequest, type VicidialConnection } from "./connection.js";
import {
  type CampaignRow,
  type IngroupRow,
  type ParsedList,
  parseAltModeProbe,
  parseAltUrlList,
  parseAltUrlWrite,
  parseCampaignsList,
  parseCampaignUpdate,
  parseIngroupList,
  parseVersion,
  type UpdateOutcome,
  type VersionInfo,
} from "./parse.js";
import { TransportError } from "./transport.js";

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

const BLANKABLE = new Set(["url_address", "url_description", "url_lists"]);
const AUTH_CODES = new Set(["AUTH_FAILED", "ACCOUNT_LOCKED", "IP_NOT_ALLOWED"]);

/** What an API answer says about the login: VICIdial's own error lines past the login check prove it good. */
export function apiJudge<T>(parse: () => T, opts: { write: boolean }): Judged<T> {
  try {
    return { value: parse(), login: "good" };
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    if (AUTH_CODES.has(err.code)) return { error: err, login: "failed" };
    const vicidialsOwn = err.vicidialResponse !== null && err.code !== "UNEXPECTED_RESPONSE" && err.code !== "VICIDIAL_ERROR";
    return { error: opts.write ? unknownOutcome(err) : err, login: vicidialsOwn ? "good" : "neutral" };
  }
}

/**
 * A write answered with something that is not VICIdial's answer (an error
 * page, garbage, an empty HTTP 500) may still have been applied before the
 * answer went wrong: callers must list and reconcile, never assume or resend.
 */
export function unknownOutcome(err: ToolError): ToolError {
  if (err instanceof TransportError) return err;
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

export function fieldParams(fields: AltUrlFields): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    const s = String(v);
    out.push([k, s === "" && BLANKABLE.has(k) ? "--BLANK--" : s]);
  }
  return out;
}

function altUrlBase(campaignId: string, urlType: UrlType, altUrlId: string): [string, string][] {
  return [
    ["campaign_id", campaignId],
    ["entry_type", "campaign"],
    ["url_type", urlType],
    ["alt_url_id", altUrlId],
  ];
}

/** Functions whose success shows the user has User Level 8 or more (facts §3, §4). */
const LEVEL_8_FUNCTIONS = new Set(["update_alt_url", "update_campaign", "campaigns_list"]);
/** Errors that come before (or instead of) the rights check: they prove nothing about the level. */
const PRE_RIGHTS = new Set([
  "AUTH_FAILED",
  "ACCOUNT_LOCKED",
  "IP_NOT_ALLOWED",
  "PERMISSION_DENIED",
  "UNEXPECTED_RESPONSE",
  "VICIDIAL_ERROR",
]);

export class VicidialApi {
  /** True once an answer showed the user is level 8 or more (the admin page needs that, facts §7). */
  level8Proven = false;

  constructor(private readonly conn: VicidialConnection) {}

  private async call<T>(
    fn: string,
    extra: [string, string][],
    describe: string,
    parse: (body: Parameters<typeof parseVersion>[0]) => T,
    write: boolean,
  ) {
    try {
      const out = await this.conn.authenticated({
        request: this.conn.apiRequest(this.conn.apiParams(fn, extra)),
        describe,
        read: !write,
        judge: (res) => apiJudge(() => parse(res), { write }),
      });
      if (LEVEL_8_FUNCTIONS.has(fn)) this.level8Proven = true;
      return out;
    } catch (err) {
      // VICIdial's own answer from past the rights check proves the level too.
      if (
        LEVEL_8_FUNCTIONS.has(fn) &&
        err instanceof ToolError &&
        err.vicidialResponse &&
        !PRE_RIGHTS.has(err.code) &&
        !(err instanceof TransportError)
      ) {
        this.level8Proven = true;
      }
      throw err;
    }
  }

  /**
   * Whether the user passes update_alt_url's rights check (level 8 or more,
   * Modify Campaigns, API access): asked with an empty campaign id, whose
   * answer comes right after that check and writes nothing.
   */
  async probeLevel8(): Promise<boolean> {
    try {
      await this.call("update_alt_url", altUrlBase("", "dispo", "LIST"), "the user level probe", parseAltUrlList, false);
      return true;
    } catch (err) {
      if (err instanceof ToolError && /YOU MUST USE ALL REQUIRED FIELDS/.test(err.vicidialResponse ?? "")) {
        this.level8Proven = true;
        return true;
      }
      if (err instanceof ToolError && err.code === "PERMISSION_DENIED") return false;
      throw err;
    }
  }

  planAltUrlWrite(campaignId: string, urlType: UrlType, altUrlId: string, fields: AltUrlFields): PlannedRequest {
    return this.conn.plan(
      API_PATH,
      this.conn.apiParams("update_alt_url", [...altUrlBase(campaignId, urlType, altUrlId), ...fieldParams(fields)]),
    );
  }

  planDispoAlt(campaignId: string): PlannedRequest {
    return this.conn.plan(
      API_PATH,
      this.conn.apiParams("update_campaign", [
        ["campaign_id", campaignId],
        ["dispo_call_url", "ALT"],
      ]),
    );
  }

  /** No login needed (facts §4). */
  version(): Promise<VersionInfo> {
    return this.conn.anonymous({
      request: this.conn.apiRequest([["function", "version"]]),
      describe: "the version request",
      parse: parseVersion,
    });
  }

  listAltUrls(campaignId: string, urlType: UrlType): Promise<ParsedList> {
    return this.call(
      "update_alt_url",
      [...altUrlBase(campaignId, urlType, "LIST"), ["header", "YES"]],
      `the Alt URL list of ${campaignId}`,
      parseAltUrlList,
      false,
    );
  }

  addAltUrl(campaignId: string, urlType: UrlType, fields: AltUrlFields): Promise<UpdateOutcome> {
    return this.call(
      "update_alt_url",
      [...altUrlBase(campaignId, urlType, "NEW"), ...fieldParams(fields)],
      `the new Alt URL on ${campaignId}`,
      parseAltUrlWrite,
      true,
    );
  }

  /** Only ever call with an id just read from LIST (facts §3: the retargeting trap). */
  updateAltUrl(campaignId: string, urlType: UrlType, id: number, fields: AltUrlFields): Promise<UpdateOutcome> {
    return this.call(
      "update_alt_url",
      [...altUrlBase(campaignId, urlType, String(id)), ...fieldParams(fields)],
      `the change of Alt URL ${id} on ${campaignId}`,
      parseAltUrlWrite,
      true,
    );
  }

  /** True when the campaign's URL of this type is ALT; writes nothing (facts §3). */
  probeAltMode(campaignId: string, urlType: UrlType): Promise<boolean> {
    return this.call(
      "update_alt_url",
      altUrlBase(campaignId, urlType, "0"),
      `the ALT mode probe of ${campaignId}`,
      parseAltModeProbe,
      false,
    );
  }

  setDispoCallUrlAlt(campaignId: string): Promise<void> {
    return this.call(
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
      true,
    );
  }

  /** update_campaign with no field: proves the right without changing anything (facts §4). */
  probeUpdateCampaign(campaignId: string): Promise<void> {
    return this.call(
      "update_campaign",
      [["campaign_id", campaignId]],
      "the update_campaign probe",
      (res) => {
        parseCampaignUpdate(res);
      },
      false,
    );
  }

  campaignsList(): Promise<CampaignRow[]> {
    return this.call("campaigns_list", [["header", "YES"]], "the campaign list", parseCampaignsList, false);
  }

  /** Active in-groups the user's group may see (facts §4: an HTML picker page). */
  ingroupList(): Promise<IngroupRow[]> {
    return this.call("ingroup_list", [], "the in-group list", parseIngroupList, false);
  }
}

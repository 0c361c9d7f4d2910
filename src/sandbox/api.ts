/**
 * /vicidial/non_agent_api.php: version, coffee, the login gate, and the
 * functions this project uses (update_alt_url, update_campaign,
 * campaigns_list). Every other function answers NO FUNCTION SPECIFIED.
 */
import { stageDelimiter, updateAltUrl } from "./alt-url.js";
import { login } from "./auth.js";
import { DEFAULT_UTC_OFFSET_HOURS, versionTzLabel } from "./clock.js";
import { API_CONTENT_TYPE, apiText, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { apiSanitize as S } from "./sanitize.js";
import type { SandboxCampaign, SandboxUser } from "./types.js";

export const API_VERSION = "2.14-202";
export const API_BUILD = "250720-1841";

/** Functions whose check order starts with the source check (facts §3, check 1). */
const SOURCE_CHECKED = new Set(["update_alt_url", "update_campaign", "campaigns_list"]);

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * VERSION line. The recorded system's PHP clock ran on UTC while its
 * VICIdial server setting said GMT -5, so DATE is the epoch in UTC; TZ and
 * TZNOW follow the sandbox's configured zone.
 */
export function versionLine(nowMs: number, utcOffsetHours = DEFAULT_UTC_OFFSET_HOURS): string {
  const d = new Date(nowMs);
  const date =
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const epoch = Math.floor(nowMs / 1000);
  return `VERSION: ${API_VERSION}|BUILD: ${API_BUILD}|DATE: ${date}|EPOCH: ${epoch}|DST: 0|TZ: ${versionTzLabel(utcOffsetHours)}|TZNOW: ${versionTzLabel(utcOffsetHours)}|\n`;
}

/** Whether a request to the API can change data (for fault matching). */
export function isApiWrite(fn: string, altUrlId: string): boolean {
  if (fn === "update_campaign") return true;
  return fn === "update_alt_url" && S.altUrlId(altUrlId) !== "LIST";
}

export function handleApi(ctx: RequestContext): SandboxResponse {
  const p = ctx.params;
  const fn = S.functionName(p.raw("function"));

  if (fn === "version") return apiText(versionLine(ctx.now, ctx.utcOffsetHours));
  if (fn === "coffee" || fn === "start_coffee" || fn === "make_coffee" || fn === "brew_coffee") {
    return { ...textResponse(`Coffee: ${fn}|Error 418 I'm a teapot`, API_CONTENT_TYPE, 418), statusMessage: "I'm a teapot" };
  }

  const source = S.source(p.raw("source"));
  if (SOURCE_CHECKED.has(fn) && source.length < 2) {
    return apiText(`ERROR: Invalid Source - ${source}\nERROR: Invalid Source: |${source}|\n`);
  }

  const who = S.user(p.raw("user"));
  const pass = S.pass(p.raw("pass"));
  const result = login(ctx.state, { user: who, pass, ip: ctx.ip, now: ctx.now, minLevel: 7 });
  if (result.kind === "LOCK") return apiText(`ERROR: Too many login attempts, try again in 15 minutes: |${who}|LOCK|\n`);
  if (result.kind === "IPBLOCK") return apiText(`ERROR: Your IP Address is not allowed: ${result.ip}: |${who}|IPBLOCK|\n`);
  if (result.kind === "BAD") return apiText(`ERROR: Login incorrect, please try again: |${who}|${pass}|BAD|\n`);

  const user = result.user;
  if (fn === "update_alt_url") return updateAltUrl(ctx, user, who);
  if (fn === "update_campaign") return updateCampaign(ctx, user, who);
  if (fn === "campaigns_list") return campaignsList(ctx, user, who);
  return apiText("ERROR: NO FUNCTION SPECIFIED\n");
}

function mayModifyCampaigns(u: SandboxUser): boolean {
  return u.vdc_agent_api_access === 1 && u.modify_campaigns === 1 && u.user_level >= 8 && u.active === "Y";
}

function noPermissionToUse(who: string, fn: string): SandboxResponse {
  return apiText(`ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |${who}|${fn}|\n`);
}

/**
 * update_campaign (facts §4): the project only needs dispo_call_url; active
 * and campaign_name are modelled too, any other field is ignored.
 */
function updateCampaign(ctx: RequestContext, user: SandboxUser, who: string): SandboxResponse {
  const FN = "update_campaign";
  const { state, params } = ctx;
  const err = (msg: string) => apiText(`ERROR: ${FN} ${msg}\n`);
  if (!state.allowsFunction(user, FN)) return noPermissionToUse(who, FN);
  if (!mayModifyCampaigns(user)) return err(`USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |${who}|0`);
  const cid = S.campaignId(params.raw("campaign_id"));
  if (cid.length < 2 || cid.length > 8) return err(`YOU MUST USE ALL REQUIRED FIELDS: |${who}|${cid}||${cid}`);
  const camp = state.visibleCampaigns(user).find((c) => c.campaign_id.toLowerCase() === cid.toLowerCase());
  if (!camp) return err(`CAMPAIGN DOES NOT EXIST: |${who}|${cid}`);

  const active = S.active(params.raw("active"));
  const name = S.campaignText(params.raw("campaign_name"));
  const dispo = S.campaignText(params.raw("dispo_call_url"));
  if (active !== "" && active !== "Y" && active !== "N") {
    return err(`ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD: |${who}|${active}`);
  }
  if (name !== "" && (name.length < 6 || name.length > 40)) {
    return err(`CAMPAIGN NAME MUST BE FROM 6 TO 40 CHARACTERS, THIS IS AN OPTIONAL FIELD: |${who}|${name}`);
  }
  if (dispo.length > 2000) return err(`DISPO CALL URL IS NOT VALID, THIS IS AN OPTIONAL FIELD: |${who}|${dispo}`);
  if (active === "" && name === "" && dispo === "") return apiText(`NOTICE: ${FN} NO UPDATES DEFINED: |${who}|\n`);

  if (active !== "") camp.active = active as "Y" | "N";
  if (name !== "") camp.campaign_name = name;
  if (dispo !== "") camp.dispo_call_url = dispo === "--BLANK--" ? "" : dispo;
  return apiText(`SUCCESS: ${FN} CAMPAIGN HAS BEEN UPDATED - ${who}|${cid}\n`);
}

const CAMPAIGN_FIELDS = [
  "campaign_id",
  "campaign_name",
  "active",
  "user_group",
  "dial_method",
  "dial_level",
  "lead_order",
  "dial_statuses",
  "dial_timeout",
  "dial_prefix",
  "manual_dial_prefix",
  "three_way_dial_prefix",
] as const satisfies readonly (keyof SandboxCampaign)[];

/** campaigns_list (facts §4): the campaigns the user's group may see. No dispo URL mode. */
function campaignsList(ctx: RequestContext, user: SandboxUser, who: string): SandboxResponse {
  const FN = "campaigns_list";
  const { state, params } = ctx;
  if (!state.allowsFunction(user, FN)) return noPermissionToUse(who, FN);
  const allowed = user.vdc_agent_api_access === 1 && user.view_reports === 1 && user.user_level >= 8 && user.active === "Y";
  if (!allowed) return apiText(`ERROR: ${FN} USER DOES NOT HAVE PERMISSION TO GET CAMPAIGN INFO: |${who}|0|\n`);

  const cid = S.campaignId(params.raw("campaign_id"));
  const camps = state.visibleCampaigns(user).filter((c) => cid === "" || c.campaign_id.toLowerCase() === cid.toLowerCase());
  if (camps.length === 0) return apiText(`ERROR: ${FN} THIS USER HAS NO VIEWABLE CAMPAIGNS: |${who}|\n`);

  const dl = stageDelimiter(S.setting(params.raw("stage")));
  let out = "";
  if (S.setting(params.raw("header")) === "YES") out += CAMPAIGN_FIELDS.join(dl) + "\n";
  for (const c of camps) out += CAMPAIGN_FIELDS.map((f) => c[f]).join(dl) + "\n";
  return apiText(out);
}

/**
 * /vicidial/non_agent_api.php: version, coffee, the login gate, and the
 * functions this project uses (update_alt_url, update_campaign,
 * campaigns_list, ingroup_list). Every other function answers NO FUNCTION
 * SPECIFIED.
 */

import { updateAltUrl } from "./alt-url.js";
import { campaignsList, ingroupList } from "./api-lists.js";
import { login } from "./auth.js";
import { DEFAULT_UTC_OFFSET_HOURS, versionTzLabel } from "./clock.js";
import type { RequestParams } from "./params.js";
import { API_CONTENT_TYPE, apiText, loggedApiText, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { apiSanitize as S } from "./sanitize.js";
import { updateCampaign } from "./update-campaign.js";

export const API_VERSION = "2.14-202";
export const API_BUILD = "250720-1841";

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

/**
 * The request log keeps a POST's decoded form fields; in strict SQL mode the
 * write fails for text longer than its column (255) or holding a quote, a
 * backslash, a control or a non-ASCII character. A GET's query string is
 * logged as sent (percent-encoded ASCII), which always fits.
 */
export function requestLogRefuses(params: RequestParams): boolean {
  if (params.postPairs.length === 0) return false;
  const form = params.postPairs.map(([k, v]) => `${k}=${v}`).join("&");
  return form.length > 255 || /[^\x20-\x7e]|['"\\]/.test(form);
}

/** PHP's output buffer: until this much is printed, a fatal error can still turn the status into 500. */
const PHP_OUTPUT_BUFFER_BYTES = 4096;

/**
 * PHP stopping at the failed request-log write: the body is what was printed
 * before it, with HTTP 500 unless the output had already been sent.
 */
function applyRequestLog(r: SandboxResponse, params: RequestParams): SandboxResponse {
  if (r.requestLogAt === undefined || !requestLogRefuses(params)) return r;
  const status = r.requestLogAt > PHP_OUTPUT_BUFFER_BYTES ? r.status : 500;
  return { status, headers: r.headers, body: r.body.subarray(0, r.requestLogAt) };
}

export function handleApi(ctx: RequestContext): SandboxResponse {
  return applyRequestLog(answer(ctx), ctx.params);
}

function answer(ctx: RequestContext): SandboxResponse {
  const p = ctx.params;
  const fn = S.functionName(p.raw("function"));

  if (fn === "version") return loggedApiText(versionLine(ctx.now, ctx.utcOffsetHours));
  if (fn === "coffee" || fn === "start_coffee" || fn === "make_coffee" || fn === "brew_coffee") {
    return {
      ...textResponse(`Coffee: ${fn}|Error 418 I'm a teapot`, API_CONTENT_TYPE, 418),
      statusMessage: "I'm a teapot",
      requestLogAt: Buffer.byteLength(`Coffee: ${fn}|Error 418 I'm a teapot`),
    };
  }

  // The login comes before any function's own checks (source included), and a
  // failure there counts against the user whatever else is wrong.
  const who = S.user(p.raw("user"));
  const pass = S.pass(p.raw("pass"));
  const result = login(ctx.state, { user: who, pass, ip: ctx.ip, now: ctx.now, minLevel: 7 });
  if (result.kind === "LOCK") return apiText(`ERROR: Too many login attempts, try again in 15 minutes: |${who}|LOCK|\n`);
  if (result.kind === "IPBLOCK") return apiText(`ERROR: Your IP Address is not allowed: ${result.ip}: |${who}|IPBLOCK|\n`);
  if (result.kind === "BAD") return apiText(`ERROR: Login incorrect, please try again: |${who}|${pass}|BAD|\n`);

  const call = { ctx, user: result.user, who };
  if (fn === "ingroup_list") return ingroupList(call);
  if (fn === "update_alt_url" || fn === "update_campaign" || fn === "campaigns_list") {
    const source = S.source(p.raw("source"));
    if (source.length < 2) {
      const first = `ERROR: Invalid Source - ${source}\n`;
      return loggedApiText(`${first}ERROR: Invalid Source: |${source}|\n`, first);
    }
    if (fn === "update_alt_url") return updateAltUrl(call);
    if (fn === "update_campaign") return updateCampaign(call);
    return campaignsList(call);
  }
  return loggedApiText("ERROR: NO FUNCTION SPECIFIED\n");
}

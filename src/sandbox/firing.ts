/**
 * The dispo-firing simulator: what VICIdial 2.14's agent-side script does
 * when an agent picks a status. First the URL setting the call uses
 * (campaign, or in-group; `CAMP` means the campaign's), then the active
 * dispo rows in rank order through the three filters, each filled in and
 * queued as an empty vicidial_url_log row; then, when the agent's browser
 * asks for it, each URL fetched one after another and its row updated.
 */
import { localDateTime, rfc2822 } from "./clock.js";
import type { FetchedUrl, FireDispositionInput, FireDispositionResult, FiringSetting, QueuedUrl, SkippedAltUrl } from "./firing-types.js";
import { type FileOutcome, phpFile } from "./php-file.js";
import { ciEqual, type SandboxState } from "./state.js";
import { fillTemplate, templateVariables } from "./template.js";
import type { SandboxAltUrl } from "./types.js";

/** Where PHP's warnings point: the agent-side script (and, for the unrelated warning, its helpers). */
const SCRIPT = "/srv/www/htdocs/agc/vdc_db_query.php";
const FILE_LINE = 17131;
/** An empty answer leaves file() with nothing, and the row then shows the last, unrelated PHP warning. */
const EMPTY_ANSWER_WARNING = "PHP ERROR: Type=2 - Message=Undefined variable $DB - Line=213 - File=/srv/www/htdocs/agc/functions.php";
const MAX_ROWS = 1000;

/** A bad simulator input, naming the field. */
export class FireInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "FireInputError";
  }
}

export interface FiringContext {
  state: SandboxState;
  now: () => number;
  utcOffsetHours: number;
  /** default longest silence per fetch */
  fetchTimeoutMs: number;
  /** aborted when the sandbox closes */
  signal: AbortSignal;
}

/** An inbound call uses its in-group's setting, unless that says CAMP; every other call the campaign's. */
function chooseSetting(state: SandboxState, input: FireDispositionInput): FiringSetting {
  const campaign = state.findCampaign(input.campaign_id);
  if (!campaign) throw new FireInputError("campaign_id", `no campaign "${input.campaign_id}" in the sandbox`);
  // A stage that is no in-group's id is an outbound call. A state file's NULL URL is read as "" (state-file.ts).
  const group = input.ingroup_id ? state.findInboundGroup(input.ingroup_id) : undefined;
  if (group && group.dispo_call_url !== "CAMP") return { entry_type: "ingroup", id: group.group_id, dispo_call_url: group.dispo_call_url };
  return { entry_type: "campaign", id: campaign.campaign_id, dispo_call_url: campaign.dispo_call_url };
}

/**
 * The active dispo rows of that id and entry type by url_rank. rowsFor() keeps
 * the table's physical slot order (a freed slot is reused) and the sort is
 * stable, so equal ranks fire in that order, as the admin listing shows them.
 */
function activeDispoRows(state: SandboxState, setting: FiringSetting): SandboxAltUrl[] {
  return state
    .rowsFor(setting.id, setting.entry_type, "dispo")
    .filter((r) => ciEqual(r.active, "Y"))
    .sort((a, b) => a.url_rank - b.url_rank)
    .slice(0, MAX_ROWS);
}

/** Why a row does not fire (status, list, talk time), or undefined when it does. Status and lists match as space-padded tokens, case-sensitively. */
function filterFailure(row: SandboxAltUrl, status: string, listId: string, talkTime: number): SkippedAltUrl["reason"] | undefined {
  const statuses = row.url_statuses;
  if (!statuses.includes("---ALL---") && !` ${statuses} `.includes(` ${status} `)) return "status";
  if (row.url_lists.length > 0 && !` ${row.url_lists} `.includes(` ${listId} `)) return "list";
  if (talkTime < row.url_call_length) return "call_length";
  return undefined;
}

let uniqueSequence = 4800;
function makeUniqueid(nowMs: number): string {
  uniqueSequence = (uniqueSequence + 1) % 100000;
  return `${Math.floor(nowMs / 1000)}.${uniqueSequence}`;
}

function checkInput(input: FireDispositionInput): void {
  if (typeof input.campaign_id !== "string" || input.campaign_id === "") throw new FireInputError("campaign_id", "required");
  if (typeof input.status !== "string") throw new FireInputError("status", "must be a string");
  if (!input.lead || typeof input.lead !== "object") throw new FireInputError("lead", "must be an object with lead_id and list_id");
  for (const key of ["lead_id", "list_id"] as const) {
    if (typeof input.lead[key] !== "string" && typeof input.lead[key] !== "number") throw new FireInputError(`lead.${key}`, "required");
  }
  for (const key of ["talk_sec", "dead_sec", "fetch_timeout_ms"] as const) {
    const v = input[key];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v) || v < 0))
      throw new FireInputError(key, "must be a number, 0 or more");
  }
  if (typeof input.talk_sec !== "number") throw new FireInputError("talk_sec", "required");
}

/** The updateDISPO request: choose rows, fill them in, insert the queued log rows. Nothing is fetched. */
export function queueDisposition(ctx: FiringContext, input: FireDispositionInput): Omit<FireDispositionResult, "fetched"> {
  checkInput(input);
  const { state } = ctx;
  const setting = chooseSetting(state, input);
  const now = ctx.now();
  const status = input.callback ? "CBHOLD" : input.status;
  const talkTime = Math.max(0, Math.floor(input.talk_sec - (input.dead_sec ?? 0)));
  const listId = String(input.lead.list_id);
  const uniqueid = input.uniqueid ?? makeUniqueid(now);

  const candidates: { url_id: number | null; address: string }[] = [];
  const skipped: SkippedAltUrl[] = [];
  if (setting.dispo_call_url === "ALT") {
    for (const row of activeDispoRows(state, setting)) {
      const reason = filterFailure(row, status, listId, talkTime);
      if (reason) skipped.push({ url_id: row.url_id, reason });
      else candidates.push({ url_id: row.url_id, address: row.url_address });
    }
  } else if (setting.dispo_call_url.length > 7) {
    // A plain dispo URL fires for every status, with no filter.
    candidates.push({ url_id: null, address: setting.dispo_call_url });
  }

  // The call's group is its in-group for an inbound call, whichever setting it used (CAMP included).
  const campaignId = state.findCampaign(input.campaign_id)!.campaign_id;
  const callGroup = (input.ingroup_id ? state.findInboundGroup(input.ingroup_id)?.group_id : undefined) ?? campaignId;
  const vars = templateVariables({ campaign: campaignId, group: callGroup, channel_group: callGroup }, input.lead, {
    lead_id: input.lead.lead_id,
    list_id: listId,
    dispo: status,
    callback_lead_status: input.callback ? input.status : "",
    talk_time: talkTime,
    talk_time_ms: talkTime * 1000,
    talk_time_min: Math.ceil(talkTime / 60),
    uniqueid,
    epoch: Math.floor(now / 1000),
    SQLdate: localDateTime(now, ctx.utcOffsetHours),
  });
  const urlDate = localDateTime(now, ctx.utcOffsetHours);
  const queued: QueuedUrl[] = candidates.map((c) => {
    const url = fillTemplate(c.address, vars);
    const row = state.urlLog.insert({ uniqueid, url_date: urlDate, url_type: "dispo", url });
    return { url_log_id: row.url_log_id, url_id: c.url_id, url };
  });
  return { uniqueid, setting, status, talk_time: talkTime, queued, url_log_ids: queued.map((q) => q.url_log_id), skipped };
}

/** How the agent-side script writes a dispo fetch into url_response (date of the answer, `|`, body or PHP ERROR). */
export function dispoResponseText(
  url: string,
  outcome: Exclude<FileOutcome, { kind: "aborted" }>,
  answeredMs: number,
  offset: number,
): string {
  const date = rfc2822(answeredMs, offset);
  if (outcome.kind === "error") {
    return `${date}|PHP ERROR: Type=2 - Message=file(${url}): Failed to open stream: ${outcome.reason} - Line=${FILE_LINE} - File=${SCRIPT}`;
  }
  if (outcome.body === "") return `${date}|${EMPTY_ANSWER_WARNING}`;
  return `${date}|${outcome.body.replace(/;/g, "")}`;
}

/** The RUNurls request: each log row fetched in the order given, one after another, no retry. */
export async function runUrls(ctx: FiringContext, urlLogIds: readonly number[], timeoutMs = ctx.fetchTimeoutMs): Promise<FetchedUrl[]> {
  const fetched: FetchedUrl[] = [];
  for (const id of urlLogIds) {
    const row = ctx.state.urlLog.get(id);
    if (!row || ctx.signal.aborted) continue;
    const started = ctx.now();
    const outcome = await phpFile(row.url, { timeoutMs, signal: ctx.signal });
    if (outcome.kind === "aborted") break;
    const ended = ctx.now();
    // VICIdial subtracts whole-second clock readings.
    const responseSec = Math.floor(ended / 1000) - Math.floor(started / 1000);
    const urlResponse = dispoResponseText(row.url, outcome, ended, ctx.utcOffsetHours);
    ctx.state.urlLog.update(id, { response_sec: responseSec, url_response: urlResponse });
    const failed = outcome.kind === "error" || outcome.body === "";
    fetched.push({
      url_log_id: id,
      url: row.url,
      response_sec: responseSec,
      url_response: urlResponse,
      outcome: failed ? "failed" : "answered",
    });
  }
  return fetched;
}

/** Both requests of a disposition; resolves when every fetch has finished. */
export async function fireDisposition(ctx: FiringContext, input: FireDispositionInput): Promise<FireDispositionResult> {
  const queued = queueDisposition(ctx, input);
  if (input.browser_fetches === false) return { ...queued, fetched: [] };
  const fetched = await runUrls(ctx, queued.url_log_ids, input.fetch_timeout_ms ?? ctx.fetchTimeoutMs);
  return { ...queued, fetched };
}

/**
 * "What does VICIdial fetch for this disposition?" for a campaign or an
 * in-group, as the agent screen's script decides it (facts §11.1): an
 * outbound call uses its campaign's setting; an inbound call its in-group's,
 * where `CAMP` means the campaign's and an empty value means nothing fires.
 * An in-group's setting cannot be read unless it is ALT (the admin page only
 * says "not ALT"), so then the answer states what it depends on.
 */
import { ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, entryLabel } from "../common/model.js";
import { CALLBACK_HOLD_STATUS, type FiringRow, previewFiring, type SkippedRow } from "./firing.js";
import type { VicidialSystem } from "./system.js";

export type PreviewSkipped = Omit<SkippedRow, "reason_code"> & { reason_code: SkippedRow["reason_code"] | "alt_mode_off" };

export interface PreviewRequest {
  entry: EntryRef;
  /** The status the agent picks. */
  status: string;
  /** The agent scheduled a callback: the agent screen then sends CBHOLD as the status. */
  scheduledCallback: boolean;
  listId?: string;
  talkTime?: number;
  deadTime?: number;
  sampleLead: Record<string, string | number>;
  /** For an in-group whose setting is CAMP: the campaign the agent is logged into. */
  agentCampaign: EntryRef | null;
}

export interface PreviewResult {
  /** The status matched against the rows (CBHOLD for a scheduled callback). */
  matchedStatus: string;
  /** Talk minus dead seconds, when known. */
  talkTime: number | undefined;
  /** Whether the entry's Dispo Call URL is ALT; null when it could not be told. */
  altMode: boolean | null;
  /** Whose rows would fire: the entry itself, or the agent's campaign for a CAMP in-group. */
  rowsFrom: EntryRef | null;
  fires: FiringRow[];
  skipped: PreviewSkipped[];
  /** What the answer still depends on, when VICIdial cannot tell. */
  dependsOn: string | null;
  warnings: string[];
}

function notAltMode(row: FiringRow, entry: EntryRef): PreviewSkipped {
  const when = row.conditions.length ? ` (${row.conditions.join("; ")})` : "";
  return {
    id: row.id,
    rank: row.rank,
    url: row.url,
    description: row.description,
    reason: `${entryLabel(entry)} is not in ALT mode, so VICIdial fires none of its Alt URLs; this row would fire${when} once its Dispo Call URL is ALT`,
    reason_code: "alt_mode_off",
  };
}

async function campaignRows(sys: VicidialSystem, entry: EntryRef): Promise<{ rows: AltUrl[]; alt: boolean | null; warnings: string[] }> {
  const [listing, altMode] = await Promise.all([
    sys.storeFor(entry).list(entry, "dispo"),
    sys.api.probeAltMode(entry.id, "dispo").catch((err: unknown) => (err instanceof ToolError ? err : Promise.reject(err))),
  ]);
  const warnings = [...listing.warnings];
  if (altMode instanceof ToolError) {
    warnings.push(
      `Could not tell whether ${entryLabel(entry)} is in ALT mode (${altMode.code}: ${altMode.message}); if it is not, none of these rows fires.`,
    );
  }
  return { rows: listing.rows, alt: typeof altMode === "boolean" ? altMode : null, warnings };
}

function fire(req: PreviewRequest, rows: AltUrl[], campaignId: string, status: string, talkTime: number | undefined) {
  return previewFiring({
    rows,
    status,
    ...(req.listId !== undefined ? { list_id: req.listId } : {}),
    ...(talkTime !== undefined ? { talk_time: talkTime } : {}),
    // VICIdial fills --A--campaign--B-- with the campaign id; the sample lead may still say otherwise.
    sample_lead: {
      campaign: campaignId,
      ...(req.scheduledCallback ? { callback_lead_status: req.status } : {}),
      ...req.sampleLead,
    },
  });
}

export async function previewDisposition(sys: VicidialSystem, req: PreviewRequest): Promise<PreviewResult> {
  const matchedStatus = req.scheduledCallback ? CALLBACK_HOLD_STATUS : req.status;
  const talkTime = req.talkTime === undefined ? undefined : Math.max(0, req.talkTime - (req.deadTime ?? 0));
  const warnings: string[] = [];
  if (!req.scheduledCallback && /^CALLBK$/i.test(req.status)) {
    warnings.push(
      `When the agent schedules the callback, the agent screen sends ${CALLBACK_HOLD_STATUS} rather than ${req.status}, so only rows listing ${CALLBACK_HOLD_STATUS} fire; call again with scheduled_callback: true to see that case.`,
    );
  }

  let campaign: EntryRef | null = req.entry.type === "campaign" ? req.entry : null;
  let dependsOn: string | null = null;
  let ingroupAlt: boolean | null = null;
  if (req.entry.type === "ingroup") {
    try {
      const listing = await sys.storeFor(req.entry).list(req.entry, "dispo");
      const p = fire(req, listing.rows, req.agentCampaign?.id ?? req.entry.id, matchedStatus, talkTime);
      return {
        matchedStatus,
        talkTime,
        altMode: true,
        rowsFrom: req.entry,
        fires: p.fires,
        skipped: p.skipped,
        dependsOn: null,
        warnings: [...warnings, ...listing.warnings],
      };
    } catch (err) {
      if (!(err instanceof ToolError) || err.code !== "ALT_MODE_OFF") throw err;
      ingroupAlt = false;
    }
    // Not ALT: CAMP (the campaign's setting), empty (nothing), or one plain URL; VICIdial does not say which.
    const how = `${entryLabel(req.entry)}'s Dispo Call URL is not ALT, so none of its own Alt URLs fire. If it is CAMP, inbound calls use the agent's campaign's setting; if it is empty, nothing fires at all; if it is a plain URL, that one URL fires for every status. VICIdial does not show which (see VICIdial Admin > Inbound > Show In-Groups > ${req.entry.id} > Dispo Call URL).`;
    if (!req.agentCampaign) {
      dependsOn = `${how} Give agent_campaign_id (the campaign the agents take these calls in) to see what fires if it is CAMP.`;
      return { matchedStatus, talkTime, altMode: false, rowsFrom: null, fires: [], skipped: [], dependsOn, warnings };
    }
    dependsOn = `${how} Shown: what fires if it is CAMP, from ${entryLabel(req.agentCampaign)}.`;
    campaign = req.agentCampaign;
  }
  const c = await campaignRows(sys, campaign!);
  warnings.push(...c.warnings);
  const p = fire(req, c.rows, campaign!.id, matchedStatus, talkTime);
  let fires = p.fires;
  let skipped: PreviewSkipped[] = p.skipped;
  if (dependsOn) fires = fires.map((f) => ({ ...f, conditions: [`only if ${req.entry.id}'s Dispo Call URL is CAMP`, ...f.conditions] }));
  if (c.alt === false) {
    skipped = [...fires.map((f) => notAltMode(f, campaign!)), ...skipped].sort((x, y) => x.rank - y.rank || x.id - y.id);
    fires = [];
    warnings.unshift(
      `NOTHING FIRES: ${entryLabel(campaign!)}'s Dispo Call URL is not set to ALT, so VICIdial ignores all of its Alt URLs. Switch it with enable_alt_url_mode (give preserve_url with the current Dispo Call URL so that one keeps firing), or set "Dispo Call URL" to ALT in VICIdial Admin > Campaigns > (campaign) > Detail.`,
    );
  }
  return { matchedStatus, talkTime, altMode: ingroupAlt ?? c.alt, rowsFrom: campaign, fires, skipped, dependsOn, warnings };
}

/**
 * preview_dispo_urls: which Alt URLs VICIdial would fetch for one
 * disposition, and why every other row would not. The first thing to check
 * when a CRM "did not hear about a sale": a campaign whose Dispo Call URL is
 * not ALT fires none of its Alt URLs, so that is stated before anything else.
 */
import { z } from "zod";
import { entryLabel } from "../common/model.js";
import { previewDisposition } from "../domain/dispoPreview.js";
import type { FiringRow } from "../domain/firing.js";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { withWarnings } from "./shared/format.js";
import { campaignId, sampleLead, systemArg, warningsSchema } from "./shared/schemas.js";

const SKIP_CODES = [
  "inactive",
  "status_not_listed",
  "list_not_included",
  "call_too_short",
  "empty_statuses",
  "empty_url",
  "alt_mode_off",
] as const;

const firesSchema = z.object({
  id: z.number().describe("Alt URL id"),
  rank: z.number().describe("Firing order (ascending)"),
  url: z.string().describe("The URL as stored, template variables included"),
  filled_url: z
    .string()
    .describe(
      "The URL as VICIdial would fetch it, variables filled from status, list_id, talk_time, the campaign id and sample_lead (missing ones empty)",
    ),
  description: z.string().describe("The row's description"),
  conditions: z
    .array(z.string())
    .describe('What firing still depends on when list_id or talk_time was not given, e.g. "only for lists 101 102"'),
  missing_variables: z.array(z.string()).describe("Template variables with no value given; VICIdial fills them from the real call"),
});

const skippedSchema = z.object({
  id: z.number().describe("Alt URL id"),
  rank: z.number().describe("Its rank"),
  url: z.string().describe("The URL as stored"),
  description: z.string().describe("The row's description"),
  reason: z.string().describe("Why VICIdial would not fetch it, in words"),
  reason_code: z.enum(SKIP_CODES).describe("The reason as a code"),
});

const statusCode = z
  .string()
  .max(20)
  .regex(/^[A-Za-z0-9_-]{1,20}$/, "a disposition status is 1 to 20 letters, digits, - or _")
  .describe('The disposition status the agent picks, exactly as defined in VICIdial (case-sensitive), e.g. "SALE"');

function firesLine(f: FiringRow, i: number): string {
  const cond = f.conditions.length ? ` [${f.conditions.join("; ")}]` : "";
  const missing = f.missing_variables.length ? ` (no value given for ${f.missing_variables.join(", ")}; sent empty here)` : "";
  return `${i + 1}. Alt URL ${f.id} (rank ${f.rank})${cond}: ${f.filled_url}${missing}`;
}

export const previewDispoUrls = defineTool({
  name: "preview_dispo_urls",
  title: "Preview which Alt URLs fire for a disposition",
  description:
    'Answer "what does VICIdial fetch when an agent gives a call this status?" (and "why didn\'t our CRM hear about that sale?"): for a campaign (outbound) or an in-group (inbound, entry_type "ingroup") and a disposition status, lists the dispo Alt URLs that would fire, in order (one after another: a slow target delays the rest), with template variables filled from the status, list_id, talk time and sample_lead, and every other row with the reason it would not fire. Follows VICIdial\'s own choice: an in-group set to CAMP uses the agent\'s campaign (give agent_campaign_id), a scheduled callback is sent as CBHOLD, talk time is talk minus dead seconds. Without list_id or talk_time, rows that depend on them are listed as firing with the condition stated. Checks ALT mode: if the Dispo Call URL is not ALT, nothing fires. Reads only.',
  inputSchema: {
    system: systemArg,
    campaign_id: campaignId,
    entry_type: z
      .enum(["campaign", "ingroup"])
      .default("campaign")
      .describe("campaign (outbound calls; the default) or ingroup (inbound calls of that in-group)"),
    status: statusCode,
    scheduled_callback: z
      .boolean()
      .default(false)
      .describe(
        "true when the agent schedules a callback: the agent screen then sends CBHOLD instead of the status, so rows must list CBHOLD",
      ),
    list_id: z
      .union([
        z
          .string()
          .max(19)
          .regex(/^\d{1,19}$/, "a list id is digits"),
        z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      ])
      .optional()
      .describe('The lead\'s list id, e.g. "101"; leave out to see list-limited rows with their condition'),
    talk_time: z
      .number()
      .int()
      .nonnegative()
      .max(86400)
      .optional()
      .describe("The call's talk seconds; leave out to see rows with a minimum length with their condition"),
    dead_time: z
      .number()
      .int()
      .nonnegative()
      .max(86400)
      .optional()
      .describe("The call's dead seconds (no one talking); VICIdial compares talk minus dead time with the minimum length"),
    agent_campaign_id: campaignId
      .optional()
      .describe("For an in-group: the campaign its agents take the calls in, used when the in-group's Dispo Call URL is CAMP"),
    sample_lead: sampleLead
      .optional()
      .describe(
        'Values for template variables, e.g. {"lead_id": 1001, "phone_number": "3125550100", "user": "6001"}; dispo, list_id and talk_time come from the arguments above',
      ),
  },
  outputSchema: {
    campaign_id: z.string().describe("Campaign or in-group id as VICIdial spells it"),
    entry_type: z.string().describe("campaign or ingroup"),
    status: z.string().describe("The status previewed"),
    matched_status: z.string().describe("The status VICIdial matches rows against (CBHOLD for a scheduled callback)"),
    alt_mode: z
      .boolean()
      .nullable()
      .describe("True when this entry's Dispo Call URL is ALT; false means none of its own rows fire; null when it could not be told"),
    rows_from: z.string().nullable().describe('Whose rows fire, e.g. "campaign 2001"; null when nothing can fire or it cannot be told'),
    depends_on: z
      .string()
      .nullable()
      .describe("What the answer depends on that VICIdial cannot show (an in-group's setting that is not ALT)"),
    fires: z.array(firesSchema).describe("Rows VICIdial would fetch, one after another, in this order"),
    skipped: z.array(skippedSchema).describe("Every other row, with the reason"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const { sys, entry, warnings } = await resolveEntry(s, {
      system: a.system,
      campaign_id: a.campaign_id,
      entry_type: a.entry_type,
      url_type: "dispo",
    });
    const agent =
      a.agent_campaign_id !== undefined
        ? (
            await resolveEntry(
              s,
              { system: a.system, campaign_id: a.agent_campaign_id, entry_type: "campaign", url_type: "dispo" },
              "agent_campaign_id",
            )
          ).entry
        : null;
    const listId = a.list_id === undefined ? undefined : String(a.list_id);
    const p = await previewDisposition(sys, {
      entry,
      status: a.status,
      scheduledCallback: a.scheduled_callback,
      listId,
      talkTime: a.talk_time,
      deadTime: a.dead_time,
      sampleLead: a.sample_lead ?? {},
      agentCampaign: agent,
    });
    warnings.push(...p.warnings);
    const missing = [...new Set(p.fires.flatMap((f) => f.missing_variables))];
    if (missing.length)
      warnings.push(`No sample value for ${missing.join(", ")}: shown empty here; VICIdial fills them from the real call.`);
    if (p.fires.length > 1)
      warnings.push("VICIdial fetches these one after another (up to 60 s each): a slow or hanging target delays every row after it.");

    const context = [listId !== undefined ? `list ${listId}` : null, p.talkTime !== undefined ? `${p.talkTime} s talk time` : null]
      .filter(Boolean)
      .join(", ");
    const what = `a ${p.matchedStatus} call on ${entryLabel(entry)}${context ? ` (${context})` : ""}`;
    const lines: string[] = [];
    if (p.dependsOn) lines.push(p.dependsOn);
    if (p.altMode === false && entry.type === "campaign") {
      lines.push(
        `NOTHING FIRES for ${what}: the campaign's Dispo Call URL is not ALT, so VICIdial fetches none of its Alt URLs. Use enable_alt_url_mode to switch it.`,
      );
    } else if (p.fires.length === 0) {
      lines.push(`No Alt URL fires for ${what}.`);
    } else {
      lines.push(
        `For ${what}, VICIdial would fetch ${p.fires.length} URL${p.fires.length > 1 ? "s" : ""} in the background, in this order:`,
      );
      lines.push(...p.fires.map(firesLine));
    }
    if (p.skipped.length) {
      lines.push("Not fetched:");
      lines.push(...p.skipped.map((r) => `- Alt URL ${r.id} (rank ${r.rank}): ${r.reason}`));
    }
    if (p.altMode === null) lines.push("(Whether the campaign is in ALT mode could not be checked; if it is not, nothing fires.)");
    return {
      structured: {
        campaign_id: entry.id,
        entry_type: entry.type,
        status: a.status,
        matched_status: p.matchedStatus,
        alt_mode: p.altMode,
        rows_from: p.rowsFrom ? entryLabel(p.rowsFrom) : null,
        depends_on: p.dependsOn,
        fires: p.fires,
        skipped: p.skipped,
        warnings,
      },
      text: withWarnings(lines.join("\n"), warnings),
    };
  },
});

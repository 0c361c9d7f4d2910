/**
 * preview_dispo_urls: which Alt URLs VICIdial would fetch for one disposition,
 * and why every other row would not. The first thing to check when a CRM
 * "did not hear about a sale": a campaign whose Dispo Call URL is not ALT
 * fires none of its Alt URLs, so that is stated before anything else.
 */
import { z } from "zod";
import { type FiringRow, previewFiring, type SkippedRow, type SkipReason } from "../domain/firing.js";
import { readAltUrls } from "../domain/writeSteps.js";
import { ToolError } from "../shared/errors.js";
import { defineTool } from "./shared/define.js";
import { withWarnings } from "./shared/format.js";
import { campaignId, warningsSchema } from "./shared/schemas.js";

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
  .regex(/^[A-Za-z0-9_-]{1,20}$/, "a disposition status is 1 to 20 letters, digits, - or _")
  .describe('The disposition status the agent picks, exactly as defined in VICIdial (case-sensitive), e.g. "SALE"');

type PreviewSkipped = Omit<SkippedRow, "reason_code"> & { reason_code: SkipReason | "alt_mode_off" };

/** A row that would fire, moved to `skipped` because the campaign is not in ALT mode. */
function notAltMode(row: FiringRow, campaign: string): PreviewSkipped {
  const when = row.conditions.length ? ` (${row.conditions.join("; ")})` : "";
  return {
    id: row.id,
    rank: row.rank,
    url: row.url,
    description: row.description,
    reason: `campaign ${campaign} is not in ALT mode, so VICIdial fires none of its Alt URLs; this row would fire${when} once its Dispo Call URL is ALT`,
    reason_code: "alt_mode_off",
  };
}

function firesLine(f: FiringRow, i: number): string {
  const cond = f.conditions.length ? ` [${f.conditions.join("; ")}]` : "";
  const missing = f.missing_variables.length ? ` (no value given for ${f.missing_variables.join(", ")}; sent empty here)` : "";
  return `${i + 1}. Alt URL ${f.id} (rank ${f.rank})${cond}: ${f.filled_url}${missing}`;
}

export const previewDispoUrls = defineTool({
  name: "preview_dispo_urls",
  title: "Preview which Alt URLs fire for a disposition",
  description:
    'Answer "what does VICIdial fetch when an agent gives a call this status?" (and "why didn\'t our CRM hear about that sale?"): for a campaign and a disposition status, lists the dispo Alt URLs that would fire, in order, with template variables filled from the status, list_id, talk_time and sample_lead, and every other row with the reason it would not fire (inactive, status not listed, list not included, call too short). Without list_id or talk_time, rows that depend on them are listed as firing with the condition stated. Also checks that the campaign\'s Dispo Call URL is ALT: if it is not, nothing fires at all. Reads only.',
  inputSchema: {
    campaign_id: campaignId,
    status: statusCode,
    list_id: z
      .union([z.string().regex(/^\d{1,19}$/, "a list id is digits"), z.number().int().nonnegative()])
      .optional()
      .describe('The lead\'s list id, e.g. "101"; leave out to see list-limited rows with their condition'),
    talk_time: z
      .number()
      .int()
      .nonnegative()
      .optional()
      .describe("The call's talk time in seconds; leave out to see rows with a minimum length with their condition"),
    sample_lead: z
      .record(z.string(), z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'Values for template variables, e.g. {"lead_id": 1001, "phone_number": "3125550100", "user": "6001"}; dispo, list_id and talk_time come from the arguments above',
      ),
  },
  outputSchema: {
    campaign_id: z.string().describe("Campaign id as VICIdial spells it"),
    status: z.string().describe("The status previewed"),
    alt_mode: z
      .boolean()
      .nullable()
      .describe("True when the campaign's Dispo Call URL is ALT; false means NOTHING fires; null when it could not be told"),
    fires: z.array(firesSchema).describe("Rows VICIdial would fetch, in order"),
    skipped: z.array(skippedSchema).describe("Every other row, with the reason"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const resolved = await s.campaigns.resolve(a.campaign_id);
    const campaign = resolved.id;
    const [read, altMode] = await Promise.all([
      readAltUrls(s, campaign, "dispo"),
      s.client.probeAltMode(campaign, "dispo").catch((err: unknown) => (err instanceof ToolError ? err : Promise.reject(err))),
    ]);
    const warnings = [...resolved.warnings, ...read.warnings];
    const alt = typeof altMode === "boolean" ? altMode : null;
    if (altMode instanceof ToolError) {
      warnings.push(
        `Could not tell whether campaign ${campaign} is in ALT mode (${altMode.code}: ${altMode.message}); if it is not, none of these rows fires.`,
      );
    }

    const listId = a.list_id === undefined ? undefined : String(a.list_id);
    const preview = previewFiring({
      rows: read.rows,
      status: a.status,
      ...(listId !== undefined ? { list_id: listId } : {}),
      ...(a.talk_time !== undefined ? { talk_time: a.talk_time } : {}),
      // VICIdial fills --A--campaign--B-- with the campaign id; the sample lead may still say otherwise.
      sample_lead: { campaign, ...a.sample_lead },
    });
    let fires = preview.fires;
    let skipped: PreviewSkipped[] = preview.skipped;
    if (alt === false) {
      skipped = [...fires.map((f) => notAltMode(f, campaign)), ...skipped].sort((x, y) => x.rank - y.rank || x.id - y.id);
      fires = [];
      warnings.unshift(
        `NOTHING FIRES: campaign ${campaign}'s Dispo Call URL is not set to ALT, so VICIdial ignores all of its Alt URLs. Switch it with enable_alt_url_mode (give preserve_url with the current Dispo Call URL so that one keeps firing), or set "Dispo Call URL" to ALT in VICIdial Admin > Campaigns > (campaign) > Detail.`,
      );
    }
    const missing = [...new Set(fires.flatMap((f) => f.missing_variables))];
    if (missing.length) {
      warnings.push(`No sample value for ${missing.join(", ")}: shown empty here; VICIdial fills them from the real call.`);
    }

    const lines: string[] = [];
    const context = [listId !== undefined ? `list ${listId}` : null, a.talk_time !== undefined ? `${a.talk_time} s talk time` : null]
      .filter(Boolean)
      .join(", ");
    const what = `a ${a.status} call on campaign ${campaign}${context ? ` (${context})` : ""}`;
    if (alt === false) {
      lines.push(
        `NOTHING FIRES for ${what}: the campaign's Dispo Call URL is not ALT, so VICIdial fetches none of its Alt URLs. Use enable_alt_url_mode to switch it.`,
      );
    } else if (fires.length === 0) {
      lines.push(`No Alt URL fires for ${what}.`);
    } else {
      lines.push(`For ${what}, VICIdial would fetch ${fires.length} URL${fires.length > 1 ? "s" : ""} in the background, in this order:`);
      lines.push(...fires.map(firesLine));
    }
    if (skipped.length) {
      lines.push("Not fetched:");
      lines.push(...skipped.map((r) => `- Alt URL ${r.id} (rank ${r.rank}): ${r.reason}`));
    }
    if (alt === null) lines.push(`(Whether the campaign is in ALT mode could not be checked; if it is not, nothing fires.)`);
    return {
      structured: { campaign_id: campaign, status: a.status, alt_mode: alt, fires, skipped, warnings },
      text: withWarnings(lines.join("\n"), warnings),
    };
  },
});

import { z } from "zod";
import { applyDesired, desiredFromArgs, pickTarget } from "../domain/writer.js";
import { readAltUrls } from "../domain/writeSteps.js";
import { defineTool } from "./shared/define.js";
import { describeRow, formatChanges, withWarnings } from "./shared/format.js";
import {
  altUrlId,
  altUrlSchema,
  campaignId,
  changesSchema,
  dryRun,
  plannedRequestSchema,
  urlType,
  warningsSchema,
} from "./shared/schemas.js";

export const setAltUrlInput = {
  campaign_id: campaignId,
  url_type: urlType,
  url: z
    .string()
    .describe(
      "The address VICIdial fetches, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--. Template variables --A--name--B-- are filled by VICIdial. Characters VICIdial would drop are percent-encoded for you and reported in warnings.",
    ),
  statuses: z
    .array(z.string())
    .min(1)
    .describe(
      'Disposition codes that fire it, one per element, e.g. ["SALE","PSALE"]; ["---ALL---"] fires on every status (the tutorial calls this dispo_code)',
    ),
  id: altUrlId
    .optional()
    .describe("Update this Alt URL (from list_alt_urls). Without it: the row with exactly these statuses is updated, or a new one created"),
  active: z.boolean().optional().describe("A new row is active unless false; an update keeps the row's state unless given"),
  rank: z.number().int().optional().describe("Firing order, 1 to 32767, lower first; new rows default to 1"),
  description: z.string().optional().describe('Free text, at most 255 characters; "" clears it'),
  lists: z
    .array(z.union([z.string(), z.number()]))
    .optional()
    .describe('Limit to leads of these list ids, e.g. ["101","102"]; [] means every list'),
  min_call_length: z.number().int().optional().describe("Only fire when talk time is at least this many seconds (0 = always)"),
  allow_credential_variables: z
    .boolean()
    .default(false)
    .describe(
      "Allow --A--pass--B-- / --A--phone_pass--B--, which put agent and phone passwords into a URL VICIdial logs. Leave false unless the person insists",
    ),
  dry_run: dryRun,
};

export const writeResultShape = {
  action: z.enum(["created", "updated", "unchanged"]).describe("What happened (or would happen, on a dry run)"),
  alt_url: altUrlSchema.nullable().describe("The row as VICIdial stored it (on a dry run: as it is now, null for a new row)"),
  changes: changesSchema,
  warnings: warningsSchema,
  dry_run: z.boolean().describe("True when nothing was sent"),
  requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
  reconciled: z.boolean().describe("True when the write's answer was lost and the outcome was established by listing again"),
};

export const setAltUrl = defineTool({
  name: "set_alt_url",
  title: "Create or update an Alt URL",
  description:
    "Create or update one VICIdial Alt URL: a web address VICIdial itself fetches in the background after an agent gives a call one of the listed dispositions (SALE, CALLBK, ...), so a CRM or order system hears about the call. By id when given; otherwise the row whose statuses equal the requested set is updated, or a new row is created. Only the fields you give change; the row is read back and compared after writing. The campaign must be in ALT mode (see enable_alt_url_mode). Use dry_run to see the exact requests first.",
  inputSchema: setAltUrlInput,
  outputSchema: writeResultShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: true,
  async handler(a, { services: s }) {
    const { desired, warnings } = desiredFromArgs(s, a);
    const resolved = await s.campaigns.resolve(a.campaign_id);
    warnings.push(...resolved.warnings);
    const campaign = resolved.id;
    const out = await s.locks.run(campaign.toUpperCase(), async () => {
      const read = await readAltUrls(s, campaign, a.url_type);
      warnings.push(...read.warnings.filter((w) => a.id === undefined || w.startsWith(`Alt URL ${a.id} `)));
      const target = pickTarget(read.rows, a.id, desired.statuses!, campaign, a.url_type);
      return applyDesired(s, campaign, a.url_type, read.rows, target, desired, a.dry_run, "set_alt_url");
    });
    if (out.reconciled) warnings.push("VICIdial's answer to the write was lost; listing the campaign again showed it had been applied.");
    const row = out.alt_url;
    let text: string;
    if (a.dry_run)
      text = `Dry run: would have ${out.action === "unchanged" ? "changed nothing" : out.action === "created" ? `created a new Alt URL on campaign ${campaign}` : `updated Alt URL ${row!.id}`}${Object.keys(out.changes).length ? ` (${formatChanges(out.changes)})` : ""}. Nothing was sent.`;
    else if (out.action === "unchanged") text = `${describeRow(row!)} already matches; nothing was sent.`;
    else text = `${out.action === "created" ? "Created" : "Updated"} ${describeRow(row!)}: ${formatChanges(out.changes)}.`;
    return {
      structured: {
        action: out.action,
        alt_url: row,
        changes: out.changes,
        warnings,
        dry_run: a.dry_run,
        requests: out.requests,
        reconciled: out.reconciled,
      },
      text: withWarnings(text, warnings),
    };
  },
});

import { z } from "zod";
import { deleteRowAudited } from "../domain/removeRow.js";
import { assertWritable, findById, readAltUrls } from "../domain/writeSteps.js";
import { defineTool } from "./shared/define.js";
import { describeRow } from "./shared/format.js";
import { altUrlId, altUrlSchema, campaignId, dryRun, plannedRequestSchema, urlType, warningsSchema } from "./shared/schemas.js";

export const deleteAltUrl = defineTool({
  name: "delete_alt_url",
  title: "Delete an Alt URL",
  description:
    "Delete one Alt URL for good (VICIdial's API cannot delete; this goes through VICIdial's Alt URL admin page, which needs the row inactive first, so an active row is switched off first). Identified by campaign_id, url_type and id (from list_alt_urls); the list is read again to prove the row is gone, and the deleted row is returned so it can be recreated. To stop a URL but keep it, use disable_alt_url instead. Asks the person to confirm when the client supports it.",
  inputSchema: { campaign_id: campaignId, url_type: urlType, id: altUrlId, dry_run: dryRun },
  outputSchema: {
    action: z.enum(["deleted"]).describe("deleted (or would be, on a dry run)"),
    alt_url: altUrlSchema.describe("The row that was deleted, as it was"),
    warnings: warningsSchema,
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const s = ctx.services;
    const resolved = await s.campaigns.resolve(a.campaign_id);
    const campaign = resolved.id;
    const warnings = [...resolved.warnings];
    const out = await s.locks.run(campaign.toUpperCase(), async () => {
      const row = findById((await readAltUrls(s, campaign, a.url_type)).rows, a.id, campaign, a.url_type);
      if (row.active) assertWritable(row);
      const requests = [
        ...(row.active ? [s.client.planAltUrlWrite(campaign, a.url_type, String(row.id), { active: "N" })] : []),
        s.client.planDelete(campaign, a.url_type, row.id),
      ];
      if (a.dry_run) return { row, requests };
      await ctx.confirm(
        `Delete ${describeRow(row)}?\nURL: ${row.url}\nThis cannot be undone in VICIdial (the row is returned so it can be recreated).`,
      );
      const done = await deleteRowAudited(s, "delete_alt_url", campaign, a.url_type, row);
      warnings.push(...done.warnings);
      return { row, requests: [] };
    });
    const text = a.dry_run
      ? `Dry run: would delete ${describeRow(out.row)} (${out.row.url}). Nothing was sent.`
      : `Deleted ${describeRow(out.row)} (${out.row.url}); listing again confirms it is gone.`;
    return { structured: { action: "deleted", alt_url: out.row, warnings, dry_run: a.dry_run, requests: out.requests }, text };
  },
});

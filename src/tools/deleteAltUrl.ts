import { z } from "zod";
import { ToolError } from "../client/errors.js";
import type { TransportError } from "../client/http.js";
import type { AdminOutcome } from "../client/parse.js";
import type { AltUrl } from "../core/altUrl.js";
import { assertSameRow, assertWritable, audited, confirmWithPerson, findById, isUnknownOutcome, notApplied, readAltUrls, stillUnknown } from "./altUrlOps.js";
import { defineTool } from "./framework.js";
import { describeRow } from "./format.js";
import { altUrlId, altUrlSchema, campaignId, dryRun, plannedRequestSchema, urlType, warningsSchema } from "./schemas.js";

/** Deleting is two VICIdial steps (inactive first, then the admin page): say exactly where it stopped. */
function stoppedAfterDisable(row: AltUrl, err: ToolError): ToolError {
  return new ToolError({
    code: err.code,
    message: `Alt URL ${row.id} was switched off (inactive) but not deleted: ${err.message}`,
    cause: err.reason,
    fix: `The row stays inactive, so VICIdial no longer fetches it. ${err.fix} Then call delete_alt_url again to finish.`,
    retryable: err.retryable,
    vicidialResponse: err.vicidialResponse,
  });
}

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
      await confirmWithPerson(ctx, `Delete ${describeRow(row)}?\nURL: ${row.url}\nThis cannot be undone in VICIdial (the row is returned so it can be recreated).`);
      return audited(s, { tool: "delete_alt_url", campaign_id: campaign, url_type: a.url_type, action: "deleted", id: row.id, before: row, after: null }, async () => {
        if (row.active) {
          try {
            const r = await s.client.updateAltUrl(campaign, a.url_type, row.id, { active: "N" });
            if (r.kind === "updated") assertSameRow(row.id, r.id);
          } catch (err) {
            // A lost answer is settled by the list below; anything else stops here, nothing deleted.
            if (!isUnknownOutcome(err)) throw err;
          }
          const now = (await readAltUrls(s, campaign, a.url_type)).rows.find((r) => r.id === row.id);
          if (now?.active !== false) {
            throw new ToolError({ code: "VERIFY_FAILED", message: `Alt URL ${row.id} could not be switched off before deleting it; it is unchanged and still active.`, cause: "VICIdial deletes only inactive rows, and the row did not become inactive.", fix: "Call list_alt_urls to check the row, then try again." });
          }
        }
        // The admin page's answer may be lost too: the list below decides, nothing is resent.
        let res: AdminOutcome | null = null;
        let lost: TransportError | null = null;
        try {
          res = await s.client.adminDelete(campaign, a.url_type, row.id);
        } catch (err) {
          if (!isUnknownOutcome(err)) throw row.active && err instanceof ToolError ? stoppedAfterDisable(row, err) : err;
          lost = err;
        }
        let after: AltUrl[];
        try {
          after = (await readAltUrls(s, campaign, a.url_type)).rows;
        } catch (err) {
          if (lost) throw stillUnknown(lost, `the delete of Alt URL ${row.id}`);
          if (res?.kind === "deleted" && res.id === row.id && err instanceof ToolError) {
            throw new ToolError({ code: err.code, message: `VICIdial reported Alt URL ${row.id} deleted, but listing the campaign again to confirm failed: ${err.message}`, cause: err.reason, fix: "Call list_alt_urls to confirm the row is gone before doing anything else.", retryable: false, vicidialResponse: err.vicidialResponse });
          }
          throw err;
        }
        if (!after.some((r) => r.id === row.id)) {
          if (lost) warnings.push("VICIdial's answer to the delete was lost; listing the campaign again showed the row is gone.");
          else if (!(res?.kind === "deleted" && res.id === row.id)) warnings.push("VICIdial's admin page did not give its usual answer, but listing again shows the row is gone.");
          return { row, requests: [] };
        }
        const why = lost
          ? notApplied(lost, `the delete of Alt URL ${row.id}`)
          : res?.kind === "error"
            ? res.error
            : new ToolError({ code: "VERIFY_FAILED", message: "VICIdial reported the delete, but the row is still listed.", cause: "Another change happened at the same moment, or the admin page deleted a different row.", fix: "Call list_alt_urls to see the current rows." });
        throw row.active ? stoppedAfterDisable(row, why) : why;
      });
    });
    const text = a.dry_run ? `Dry run: would delete ${describeRow(out.row)} (${out.row.url}). Nothing was sent.` : `Deleted ${describeRow(out.row)} (${out.row.url}); listing again confirms it is gone.`;
    return { structured: { action: "deleted", alt_url: out.row, warnings, dry_run: a.dry_run, requests: out.requests }, text };
  },
});

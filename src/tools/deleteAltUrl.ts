/** delete_alt_url: delete one Alt URL for good, after the person confirms. */
import { z } from "zod";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { describeRow, withWarnings } from "./shared/format.js";
import { altUrlId, altUrlSchema, changeIdSchema, dryRun, entryArgs, plannedRequestSchema, warningsSchema } from "./shared/schemas.js";

export const deleteAltUrl = defineTool({
  name: "delete_alt_url",
  title: "Delete an Alt URL",
  description:
    "Delete one Alt URL for good (VICIdial's API cannot delete; this goes through VICIdial's Alt URL admin page, which needs the row inactive first, so an active row is switched off first). Identified by campaign_id (with entry_type for an in-group or list), url_type and id (from list_alt_urls); the list is read again to prove the row is gone, and the deleted row is returned so it can be recreated. To stop a URL but keep it, use disable_alt_url instead. Asks the person to confirm when the client supports it.",
  inputSchema: { ...entryArgs, id: altUrlId, dry_run: dryRun },
  outputSchema: {
    action: z.enum(["deleted"]).describe("deleted (or would be, on a dry run)"),
    alt_url: altUrlSchema.describe("The row that was deleted, as it was"),
    warnings: warningsSchema,
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    change_id: changeIdSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const { sys, entry, warnings } = await resolveEntry(ctx.services, a);
    const out = await sys.writer.session(entry, a.url_type, async (session) => {
      const row = session.find(a.id);
      const caller = { tool: "delete_alt_url", actor: ctx.actor };
      // Checked (and planned) before the person is asked: never ask for what would be refused.
      const planned = await session.remove({ row, dryRun: true, caller });
      if (a.dry_run) return planned;
      await ctx.confirm(
        `Delete ${describeRow(row)}?\nURL: ${row.url}\nThis cannot be undone in VICIdial (the row is returned so it can be recreated).`,
      );
      return session.remove({ row, dryRun: false, caller });
    });
    warnings.push(...out.warnings);
    const text = a.dry_run
      ? `Dry run: would delete ${describeRow(out.alt_url)} (${out.alt_url.url}). Nothing was sent.`
      : `Deleted ${describeRow(out.alt_url)} (${out.alt_url.url}); listing again confirms it is gone.`;
    return {
      structured: {
        action: "deleted",
        alt_url: out.alt_url,
        warnings,
        dry_run: a.dry_run,
        requests: out.requests,
        change_id: out.change_id,
      },
      text: withWarnings(text, warnings),
    };
  },
});

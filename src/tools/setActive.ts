/**
 * enable_alt_url and disable_alt_url: one factory, since they differ only in
 * the value; the write itself is the writer's (read back, verify, reconcile),
 * and switching a row on checks its URL against the server's URL policy.
 */
import { z } from "zod";
import { entryLabel } from "../common/model.js";
import { defineTool } from "./shared/define.js";
import { addleadWarning, resolveEntry } from "./shared/entry.js";
import { describeRow, withWarnings } from "./shared/format.js";
import {
  altUrlId,
  altUrlSchema,
  changeIdSchema,
  changesSchema,
  dryRun,
  entryArgs,
  plannedRequestSchema,
  warningsSchema,
} from "./shared/schemas.js";

function makeSetActive(active: boolean) {
  const verb = active ? "enable" : "disable";
  return defineTool({
    name: `${verb}_alt_url`,
    title: active ? "Switch an Alt URL on" : "Switch an Alt URL off",
    description: active
      ? "Switch one Alt URL on so VICIdial fetches it again after matching dispositions. Identified by campaign_id (with entry_type for an in-group or list), url_type and id (from list_alt_urls). Already active: nothing is sent (action unchanged). The URL must meet the server's URL policy. The row is read back afterwards."
      : "Switch one Alt URL off without deleting it: VICIdial stops fetching it, and every setting is kept so it can be switched on again. Identified by campaign_id (with entry_type for an in-group or list), url_type and id (from list_alt_urls). Already inactive: nothing is sent (action unchanged).",
    inputSchema: { ...entryArgs, id: altUrlId, dry_run: dryRun },
    outputSchema: {
      action: z.enum(["updated", "unchanged"]).describe(`updated, or unchanged when it already was ${active ? "active" : "inactive"}`),
      alt_url: altUrlSchema.describe("The row as VICIdial stored it (dry run: as it is now)"),
      changes: changesSchema,
      warnings: warningsSchema,
      dry_run: z.boolean().describe("True when nothing was sent"),
      requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
      reconciled: z.boolean().describe("True when the write's answer was lost and the outcome was established by listing again"),
      change_id: changeIdSchema,
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    write: true,
    async handler(a, { services: s, actor }) {
      const { sys, entry, warnings } = await resolveEntry(s, a);
      const out = await sys.writer.session(entry, a.url_type, async (session) => {
        const row = session.find(a.id);
        // Already as asked: nothing to send, even to a row the API may not write.
        if (row.active === active)
          return { action: "unchanged" as const, row, requests: [], reconciled: false, warnings: [], change_id: null };
        const put = await session.put({
          target: row,
          desired: { active },
          dryRun: a.dry_run,
          caller: { tool: `${verb}_alt_url`, actor },
          livePolicyField: "id",
        });
        return {
          // unchanged: VICIdial found the row already so (someone else made the same change since the listing).
          action: put.action === "unchanged" ? ("unchanged" as const) : ("updated" as const),
          row: put.alt_url ?? row,
          requests: put.requests,
          reconciled: put.reconciled,
          warnings: put.warnings,
          change_id: put.change_id,
        };
      });
      warnings.push(...out.warnings);
      if (out.action === "updated") warnings.push(...addleadWarning(a.url_type));
      const changes = out.action === "updated" ? { active: { before: !active, after: active } } : {};
      const text =
        a.dry_run && out.action === "updated"
          ? `Dry run: would ${verb} ${describeRow(out.row)}. Nothing was sent.`
          : out.action === "unchanged"
            ? `${describeRow(out.row)} is already ${active ? "active" : "inactive"}; ${out.change_id ? "nothing changed" : "nothing was sent"}.`
            : `${active ? "Enabled" : "Disabled"} ${describeRow(out.row)}.`;
      if (out.reconciled)
        warnings.push(`VICIdial's answer to the write was lost; listing ${entryLabel(entry)} again showed it had been applied.`);
      return {
        structured: {
          action: out.action,
          alt_url: out.row,
          changes,
          warnings,
          dry_run: a.dry_run,
          requests: out.requests,
          reconciled: out.reconciled,
          change_id: out.change_id,
        },
        text: withWarnings(text, warnings),
      };
    },
  });
}

export const enableAltUrl = makeSetActive(true);
export const disableAltUrl = makeSetActive(false);

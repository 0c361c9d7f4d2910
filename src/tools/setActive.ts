/**
 * enable_alt_url and disable_alt_url: one factory, since they differ only in
 * the value; the write itself is set_alt_url's (read back, verify, reconcile).
 */
import { z } from "zod";
import { applyDesired } from "../domain/writer.js";
import { findById, readAltUrls } from "../domain/writeSteps.js";
import { defineTool } from "./shared/define.js";
import { describeRow, withWarnings } from "./shared/format.js";
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

function makeSetActive(active: boolean) {
  const verb = active ? "enable" : "disable";
  return defineTool({
    name: `${verb}_alt_url`,
    title: active ? "Switch an Alt URL on" : "Switch an Alt URL off",
    description: active
      ? "Switch one Alt URL on so VICIdial fetches it again after matching dispositions. Identified by campaign_id, url_type and id (from list_alt_urls). Already active: nothing is sent (action unchanged). The row is read back afterwards."
      : "Switch one Alt URL off without deleting it: VICIdial stops fetching it, and every setting is kept so it can be switched on again. Identified by campaign_id, url_type and id (from list_alt_urls). Already inactive: nothing is sent (action unchanged).",
    inputSchema: { campaign_id: campaignId, url_type: urlType, id: altUrlId, dry_run: dryRun },
    outputSchema: {
      action: z.enum(["updated", "unchanged"]).describe("updated, or unchanged when it already was " + (active ? "active" : "inactive")),
      alt_url: altUrlSchema.describe("The row as VICIdial stored it (dry run: as it is now)"),
      changes: changesSchema,
      warnings: warningsSchema,
      dry_run: z.boolean().describe("True when nothing was sent"),
      requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
      reconciled: z.boolean().describe("True when the write's answer was lost and the outcome was established by listing again"),
    },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    write: true,
    async handler(a, { services: s }) {
      const resolved = await s.campaigns.resolve(a.campaign_id);
      const campaign = resolved.id;
      const warnings = [...resolved.warnings];
      const result = await s.locks.run(campaign.toUpperCase(), async () => {
        const read = await readAltUrls(s, campaign, a.url_type);
        const row = findById(read.rows, a.id, campaign, a.url_type);
        // Already as asked: nothing to send, even to a row the API may not write.
        if (row.active === active) return { action: "unchanged" as const, row, requests: [], reconciled: false };
        const out = await applyDesired(s, campaign, a.url_type, read.rows, row, { active }, a.dry_run, `${verb}_alt_url`);
        return { action: "updated" as const, row: out.alt_url ?? row, requests: out.requests, reconciled: out.reconciled };
      });
      const changes = result.action === "updated" ? { active: { before: !active, after: active } } : {};
      const text =
        a.dry_run && result.action === "updated"
          ? `Dry run: would ${verb} ${describeRow(result.row)}. Nothing was sent.`
          : result.action === "unchanged"
            ? `${describeRow(result.row)} is already ${active ? "active" : "inactive"}; nothing was sent.`
            : `${active ? "Enabled" : "Disabled"} ${describeRow(result.row)}.`;
      if (result.reconciled)
        warnings.push("VICIdial's answer to the write was lost; listing the campaign again showed it had been applied.");
      return {
        structured: {
          action: result.action,
          alt_url: result.row,
          changes,
          warnings,
          dry_run: a.dry_run,
          requests: result.requests,
          reconciled: result.reconciled,
        },
        text: withWarnings(text, warnings),
      };
    },
  });
}

export const enableAltUrl = makeSetActive(true);
export const disableAltUrl = makeSetActive(false);

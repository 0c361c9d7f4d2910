/** enable_alt_url and disable_alt_url: one factory, since they differ only in the value. */
import { z } from "zod";
import { audited, assertSameRow, assertWritable, findById, isUnknownOutcome, notApplied, readAltUrls, stillUnknown, verifyStored } from "./altUrlOps.js";
import { ToolError } from "../client/errors.js";
import { defineTool } from "./framework.js";
import { describeRow, withWarnings } from "./format.js";
import { altUrlId, altUrlSchema, campaignId, changesSchema, dryRun, plannedRequestSchema, urlType, warningsSchema } from "./schemas.js";

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
        const row = findById((await readAltUrls(s, campaign, a.url_type)).rows, a.id, campaign, a.url_type);
        if (row.active === active) return { action: "unchanged" as const, row, requests: [], reconciled: false };
        assertWritable(row);
        const fields = { active: active ? ("Y" as const) : ("N" as const) };
        if (a.dry_run) return { action: "updated" as const, row, requests: [s.client.planAltUrlWrite(campaign, a.url_type, String(row.id), fields)], reconciled: false };
        return audited(s, { tool: `${verb}_alt_url`, campaign_id: campaign, url_type: a.url_type, action: "updated", id: row.id, before: row }, async () => {
          let reconciled = false;
          try {
            const out = await s.client.updateAltUrl(campaign, a.url_type, row.id, fields);
            if (out.kind === "updated") assertSameRow(row.id, out.id);
          } catch (err) {
            if (!isUnknownOutcome(err)) throw err;
            let now;
            try {
              now = (await readAltUrls(s, campaign, a.url_type)).rows.find((r) => r.id === row.id);
            } catch {
              throw stillUnknown(err, `the ${verb} of Alt URL ${row.id}`);
            }
            if (!now) {
              throw new ToolError({ code: "VERIFY_FAILED", field: "id", message: `${err.message} Listing again shows Alt URL ${row.id} is gone from campaign ${campaign}.`, cause: "Someone deleted the row at the same moment, or VICIdial applied the change elsewhere.", fix: "Call list_alt_urls to see the current rows before changing anything else.", vicidialResponse: err.vicidialResponse });
            }
            if (now.active !== active) throw notApplied(err, `the ${verb} of Alt URL ${row.id}`);
            reconciled = true;
          }
          const stored = verifyStored((await readAltUrls(s, campaign, a.url_type)).rows.find((r) => r.id === row.id), { active }, row.id);
          return { action: "updated" as const, row: stored, requests: [], reconciled, auditAfter: stored };
        });
      });
      const changes = result.action === "updated" ? { active: { before: !active, after: active } } : {};
      const text = a.dry_run && result.action === "updated"
        ? `Dry run: would ${verb} ${describeRow(result.row)}. Nothing was sent.`
        : result.action === "unchanged"
          ? `${describeRow(result.row)} is already ${active ? "active" : "inactive"}; nothing was sent.`
          : `${active ? "Enabled" : "Disabled"} ${describeRow(result.row)}.`;
      if (result.reconciled) warnings.push("VICIdial's answer to the write was lost; listing the campaign again showed it had been applied.");
      return {
        structured: { action: result.action, alt_url: result.row, changes, warnings, dry_run: a.dry_run, requests: result.requests, reconciled: result.reconciled },
        text: withWarnings(text, warnings),
      };
    },
  });
}

export const enableAltUrl = makeSetActive(true);
export const disableAltUrl = makeSetActive(false);

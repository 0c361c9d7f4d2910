/** list_changes: the audit log, newest first. */
import { z } from "zod";
import { invalidInput } from "../common/errors.js";
import { ENTRY_TYPES } from "../common/model.js";
import { readChanges } from "../domain/auditHistory.js";
import { auditOff } from "../domain/undo.js";
import { changeViewSchema } from "./shared/configSchemas.js";
import { defineTool } from "./shared/define.js";
import { withWarnings } from "./shared/format.js";
import { altUrlId, campaignId, idText, systemArg, warningsSchema } from "./shared/schemas.js";

function cell(v: unknown): string {
  return String(v ?? "").replace(/\|/g, "\\|");
}

export const listChanges = defineTool({
  name: "list_changes",
  title: "List recorded changes (history)",
  description:
    "List the changes this server made to VICIdial, newest first, from its audit log: every create, update and delete of an Alt URL by any tool (set_alt_url, copy_alt_urls, apply_alt_urls, undo_change, ...), with who asked (actor), the row before and after, and whether it succeeded. Filter by campaign_id (with entry_type for an in-group or list), id (an Alt URL id), tool and since; limit caps the answer. A change whose outcome the log does not hold (the server stopped mid-write) is shown with outcome unknown. Use a change_id with undo_change to put a row back. Reads only the log, sends nothing to VICIdial.",
  inputSchema: {
    system: systemArg,
    campaign_id: campaignId.optional().describe("Only changes of this campaign, in-group or list (with entry_type)"),
    entry_type: z
      .enum(ENTRY_TYPES)
      .optional()
      .describe("What campaign_id names: campaign (the default when campaign_id is given), ingroup or list"),
    id: altUrlId.optional().describe("Only changes of this Alt URL id"),
    tool: z.string().max(64).optional().describe("Only changes made by this tool, e.g. apply_alt_urls"),
    since: z
      .string()
      .max(40)
      .optional()
      .describe("Only changes at or after this moment: ISO 8601, e.g. 2026-11-27 or 2026-11-27T09:00:00Z"),
    limit: z.number().int().min(1).max(1000).default(50).describe("At most this many changes, newest first (default 50, at most 1000)"),
  },
  outputSchema: {
    changes: z.array(changeViewSchema).describe("The changes, newest first"),
    truncated: z.boolean().describe("True when more changes match than limit allowed"),
    audit_log: z.string().describe("The audit log file read"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const file = s.audit.file;
    if (!file) throw auditOff("list_changes");
    const sys = s.system(a.system);
    if (a.since !== undefined && Number.isNaN(Date.parse(a.since))) {
      throw invalidInput(
        "since",
        `"${a.since}" is not a date or time.`,
        "Give an ISO 8601 date or time, e.g. 2026-11-27 or 2026-11-27T09:00:00Z.",
      );
    }
    if (a.entry_type !== undefined && a.campaign_id === undefined) {
      throw invalidInput("entry_type", "is given without campaign_id.", "Give campaign_id too, or leave entry_type out.");
    }
    const campaign = a.campaign_id === undefined ? undefined : idText(a.campaign_id);
    const out = await readChanges(file, {
      system: sys.name,
      campaign_id: campaign,
      entry_type: campaign === undefined ? undefined : (a.entry_type ?? "campaign"),
      id: a.id,
      tool: a.tool,
      since: a.since === undefined ? undefined : new Date(Date.parse(a.since)).toISOString(),
      limit: a.limit,
    });
    const warnings = out.unreadable ? [`${out.unreadable} line(s) of the audit log are not records and were passed over.`] : [];
    const table = out.changes.length
      ? [
          "| time | change_id | tool | actor | entry | type | id | action | outcome |",
          "|---|---|---|---|---|---|---|---|---|",
          ...out.changes.map(
            (c) =>
              `| ${c.time} | ${c.change_id} | ${cell(c.tool)} | ${cell(c.actor)} | ${c.entry_type} ${cell(c.campaign_id)} | ${c.url_type ?? ""} | ${c.alt_url_id ?? ""} | ${c.action}${c.undoes ? ` (undoes ${c.undoes})` : ""} | ${c.outcome}${c.outcome === "ok" ? "" : ` (${c.result})`} |`,
          ),
        ].join("\n")
      : "No recorded changes match.";
    const head = `${out.changes.length} change${out.changes.length === 1 ? "" : "s"}${out.truncated ? ` (the newest ${a.limit}; more match)` : ""} from ${file}:`;
    return {
      structured: { changes: out.changes, truncated: out.truncated, audit_log: file, warnings },
      text: withWarnings(`${head}\n${table}`, warnings),
    };
  },
});

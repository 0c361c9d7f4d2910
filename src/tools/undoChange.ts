/** undo_change: put a row back as it was before one recorded change. */
import { z } from "zod";
import { undoChange as undo } from "../domain/undo.js";
import { allowCredentials, changeViewSchema, currentRowSchema } from "./shared/configSchemas.js";
import { defineTool } from "./shared/define.js";
import { describeRow, formatChanges, withWarnings } from "./shared/format.js";
import { altUrlSchema, changeIdSchema, changesSchema, dryRun, plannedRequestSchema, systemArg, warningsSchema } from "./shared/schemas.js";

export const undoChange = defineTool({
  name: "undo_change",
  title: "Undo a recorded change",
  description:
    "Put an Alt URL back as it was before one change in the audit log (change_id from list_changes, or from any write's result): a deleted row is re-created (VICIdial gives it a new id), an update is reverted, a created row is DELETED (the person is asked to confirm first, when the client supports it). Only while the row is still exactly as that change left it: if it changed since (or is gone), nothing is sent and the answer is CONFLICT with the row as it is now. The undo is itself recorded, with undoes naming the change. Use dry_run to see the requests first.",
  inputSchema: {
    system: systemArg,
    change_id: z
      .string()
      .max(64)
      .regex(/^[0-9a-fA-F-]+$/, "a change_id is the id list_changes shows, e.g. 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
      .describe("The change to undo, from list_changes (or a write's change_id)"),
    allow_credential_variables: allowCredentials,
    dry_run: dryRun,
  },
  outputSchema: {
    action: z.enum(["created", "updated", "deleted"]).describe("What the undo did to the row (on a dry run: would do)"),
    undone: changeViewSchema.describe("The change that was undone"),
    alt_url: altUrlSchema
      .nullable()
      .describe("The row as VICIdial stored it after the undo; for a delete, the row deleted; null for a dry-run re-creation"),
    changes: changesSchema,
    current: currentRowSchema,
    warnings: warningsSchema,
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    change_id: changeIdSchema.describe("The audit log's id of the undo itself (null on a dry run)"),
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const out = await undo(ctx.services, {
      changeId: a.change_id.toLowerCase(),
      system: a.system,
      dryRun: a.dry_run,
      allowCredentialVariables: a.allow_credential_variables,
      caller: { tool: "undo_change", actor: ctx.actor },
      confirm: (m) => ctx.confirm(m),
    });
    const row = out.alt_url;
    const what =
      out.action === "deleted"
        ? `deleted ${row ? describeRow(row) : "the row"}`
        : out.action === "created"
          ? `re-created ${row ? describeRow(row) : "the deleted row"}`
          : `reverted ${row ? describeRow(row) : "the row"}${Object.keys(out.changes).length ? ` (${formatChanges(out.changes)})` : ""}`;
    const text = a.dry_run
      ? `Dry run: undoing change ${out.undone.change_id} would have ${what}. Nothing was sent.`
      : `Undid change ${out.undone.change_id} (${out.undone.tool}, ${out.undone.action}): ${what}.`;
    return {
      structured: {
        action: out.action,
        undone: out.undone,
        alt_url: row,
        changes: out.changes,
        current: null,
        warnings: out.warnings,
        dry_run: a.dry_run,
        requests: out.requests,
        change_id: out.change_id,
      },
      text: withWarnings(text, out.warnings),
    };
  },
});

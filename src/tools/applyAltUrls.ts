/** apply_alt_urls: make VICIdial's Alt URLs match a configuration document. */
import { z } from "zod";
import { applyDocument, loadDocument } from "../domain/configPlan.js";
import { applyText } from "../domain/configText.js";
import { allowCredentials, documentArg, entryResultSchema, planIdSchema, planShape, problemsSchema } from "./shared/configSchemas.js";
import { defineTool } from "./shared/define.js";
import { dryRun, plannedRequestSchema, warningsSchema } from "./shared/schemas.js";

export const applyAltUrls = defineTool({
  name: "apply_alt_urls",
  title: "Apply a configuration document",
  description:
    "Make VICIdial's Alt URLs match a configuration document (YAML or JSON): each row the document lists is created or updated (matched by entry, URL type and status set), and in entries with prune: true the rows it does not list are DELETED (the person is asked to confirm first, when the client supports it). Entries the document does not name are never touched. Give plan_id from plan_alt_urls: if the live rows changed since that plan, nothing is sent and the answer is PLAN_STALE with the new plan. Every write is read back and audited; each entry gets its own result and one failing entry does not stop the others; applying the same document again changes nothing. Sends progress notifications when given a progress token. Use dry_run to see every request first.",
  inputSchema: {
    document: documentArg,
    plan_id: planIdSchema.optional(),
    allow_credential_variables: allowCredentials,
    dry_run: dryRun,
  },
  outputSchema: {
    ...planShape,
    ok: z.boolean().describe("True when every entry is now as the document says"),
    results: z.array(entryResultSchema).describe("One result per entry of the document"),
    applied: z
      .object({
        created: z.number().describe("Rows created"),
        updated: z.number().describe("Rows updated"),
        unchanged: z.number().describe("Rows already as the document says"),
        deleted: z.number().describe("Rows deleted"),
        failed_entries: z.number().describe("Entries that failed"),
      })
      .describe("What was done (on a dry run: what would be)"),
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    warnings: warningsSchema,
    problems: problemsSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const s = ctx.services;
    const doc = await loadDocument(s, a.document, { allowCredentialVariables: a.allow_credential_variables });
    const out = await applyDocument(s, doc, {
      planId: a.plan_id,
      dryRun: a.dry_run,
      caller: { tool: "apply_alt_urls", actor: ctx.actor },
      confirm: (m) => ctx.confirm(m),
      progress: (n, total, m) => ctx.progress(n, total, m),
    });
    const { plan, summary, ...rest } = out;
    return { structured: { ...plan, ...rest, applied: summary }, text: applyText(out) };
  },
});

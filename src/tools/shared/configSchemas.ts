/**
 * Schemas of the configuration-as-code and history tools: the document
 * argument, a plan, an apply's per-entry results, a recorded change.
 */
import { z } from "zod";
import { DOCUMENT_MAX } from "../../domain/configDoc.js";
import { errorSchema } from "./define.js";
import { altUrlSchema, changeIdSchema, changesSchema } from "./schemas.js";

export const documentArg = z
  .string()
  .max(DOCUMENT_MAX)
  .describe(
    "The configuration document, YAML or JSON text: version: 1 and entries, each with campaign_id, entry_type (default campaign), url_type (default dispo), prune (default false: rows the document does not list are left alone; true deletes them) and alt_urls (statuses, url, active, rank, description, lists, min_call_length). export_alt_urls writes one",
  );

export const allowCredentials = z
  .boolean()
  .default(false)
  .describe(
    "Allow URLs with --A--pass--B-- / --A--phone_pass--B--, which put agent and phone passwords into URLs VICIdial logs. Leave false unless the person insists",
  );

export const planIdSchema = z
  .string()
  .max(100)
  .regex(/^[0-9a-f]+$/, "a plan_id is the hexadecimal digest plan_alt_urls returned")
  .describe("The plan_id of the plan the person reviewed (from plan_alt_urls)");

const rowChangeSchema = z.object({
  system: z.string().describe("The VICIdial system"),
  campaign_id: z.string().describe("Campaign, in-group or list id as VICIdial spells it"),
  entry_type: z.string().describe("campaign, ingroup or list"),
  url_type: z.string().describe("dispo, start, noagent or addlead"),
  statuses: z.array(z.string()).describe("The row's status set, which identifies it within its entry and URL type"),
  action: z.enum(["create", "update", "delete", "unchanged"]).describe("What applying the document does to this row"),
  alt_url_id: z.number().nullable().describe("The live row's id (null for a row to create)"),
  fields: changesSchema.describe("Each field's value before and after (for a create or delete: every field, the missing side null)"),
  url: z.string().describe("The row's URL after the change (for a delete: the URL deleted)"),
});

const entrySummarySchema = z.object({
  system: z.string().describe("The VICIdial system"),
  campaign_id: z.string().describe("Entry id as VICIdial spells it"),
  entry_type: z.string().describe("campaign, ingroup or list"),
  url_type: z.string().describe("The URL type"),
  prune: z.boolean().describe("Whether rows the document does not list are deleted"),
  ok: z.boolean().describe("False when the entry could not be read or planned (see error)"),
  live_rows: z.number().nullable().describe("Rows VICIdial has now (null when they could not be read)"),
  unlisted: z.number().describe("Live rows not in the document that stay as they are (prune false)"),
  error: errorSchema.nullable().describe("Why the entry could not be planned; it is not applied"),
});

/** The fields of a plan, in plan_alt_urls' result, apply_alt_urls' and a PLAN_STALE answer. */
export const planShape = {
  plan_id: z.string().describe("Digest of the document and of the live rows this plan was made from; give it to apply_alt_urls"),
  changes: z.array(rowChangeSchema).describe("One element per row of every named entry"),
  summary: z
    .object({
      create: z.number().describe("Rows to create"),
      update: z.number().describe("Rows to update"),
      delete: z.number().describe("Rows to delete (prune only)"),
      unchanged: z.number().describe("Rows already as the document says"),
    })
    .describe("Counts per action"),
  entries: z.array(entrySummarySchema).describe("One element per entry of the document"),
  in_sync: z.boolean().describe("True when nothing would change and every entry could be read"),
};

const rowOutcomeSchema = z.object({
  action: z
    .enum(["created", "updated", "unchanged", "deleted", "skipped", "error"])
    .describe("What happened to this row (on a dry run: what would)"),
  id: z.number().nullable().describe("The Alt URL id (null for a row not created yet)"),
  statuses: z.array(z.string()).describe("The row's statuses"),
  changes: changesSchema,
  detail: z.string().nullable().describe("Why a row was skipped or deleted"),
  error: errorSchema.nullable().describe("The error for this row, if any"),
  change_id: changeIdSchema,
});

export const entryResultSchema = z.object({
  system: z.string().describe("The VICIdial system"),
  campaign_id: z.string().describe("Entry id as VICIdial spells it"),
  entry_type: z.string().describe("campaign, ingroup or list"),
  url_type: z.string().describe("The URL type"),
  ok: z.boolean().describe("True when every row of this entry is as the document says"),
  created: z.number().describe("Rows created"),
  updated: z.number().describe("Rows updated"),
  unchanged: z.number().describe("Rows already as the document says"),
  deleted: z.number().describe("Rows deleted (prune only)"),
  rows: z.array(rowOutcomeSchema).describe("Each row's outcome"),
  error: errorSchema.nullable().describe("Why this entry failed (the first problem), null when ok"),
});

export const problemsSchema = z
  .array(
    z.object({
      path: z.string().describe("Where in the document, e.g. entries[0].alt_urls[1].url"),
      message: z.string().describe("What is wrong"),
      fix: z.string().describe("What to write instead"),
    }),
  )
  .describe("An invalid document: every problem found (the error names the first)");

export const changeViewSchema = z.object({
  change_id: z.string().describe("The change's id, for undo_change"),
  time: z.string().describe("When the write finished (ISO 8601, UTC); for an unknown outcome, when it began"),
  tool: z.string().describe("The tool that wrote"),
  actor: z.string().describe('Who asked: "stdio", "token", an OAuth subject, "cli:<user>"'),
  system: z.string().describe("The VICIdial system"),
  campaign_id: z.string().describe("Campaign, in-group or list id"),
  entry_type: z.string().describe("campaign, ingroup or list"),
  url_type: z.string().nullable().describe("The URL type"),
  alt_url_id: z.number().nullable().describe("The Alt URL's id"),
  action: z.string().describe("created, updated or deleted"),
  before: z.unknown().describe("The row before the change (null for a created row)"),
  after: z.unknown().describe("The row as VICIdial stored it (null after a delete, a failure or an unknown outcome)"),
  result: z.string().describe("OK, an error code, UNKNOWN, or PENDING when only the intent was recorded"),
  outcome: z.enum(["ok", "failed", "unknown"]).describe("ok, failed, or unknown (the log does not say whether it happened)"),
  message: z.string().nullable().describe("What happened, for a failure or an unknown outcome"),
  undoes: z.string().nullable().describe("For an undo: the change it reverted"),
});

export const currentRowSchema = altUrlSchema.nullable().describe("CONFLICT: the row as it is now (null when it no longer exists)");

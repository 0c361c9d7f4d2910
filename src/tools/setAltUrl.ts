/** set_alt_url: create or update one Alt URL of a campaign, in-group or list. */
import { z } from "zod";
import { entryLabel } from "../common/model.js";
import { checkValues } from "../domain/rowRules.js";
import { wayFor } from "../domain/system.js";
import { defineTool } from "./shared/define.js";
import { addleadWarning, resolveEntry } from "./shared/entry.js";
import { describeRow, formatChanges, withWarnings } from "./shared/format.js";
import {
  altUrlId,
  altUrlSchema,
  changeIdSchema,
  changesSchema,
  dryRun,
  entryArgs,
  listIds,
  plannedRequestSchema,
  statusList,
  URL_MAX,
  warningsSchema,
} from "./shared/schemas.js";

export const setAltUrlInput = {
  ...entryArgs,
  url: z
    .string()
    .max(URL_MAX)
    .describe(
      "The address VICIdial fetches, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--. Template variables --A--name--B-- are filled by VICIdial. Characters VICIdial would drop are percent-encoded for you and reported in warnings.",
    ),
  statuses: statusList.describe(
    'Disposition codes that fire it, one per element, e.g. ["SALE","PSALE"]; ["---ALL---"] fires on every status (the tutorial calls this dispo_code)',
  ),
  id: altUrlId
    .optional()
    .describe("Update this Alt URL (from list_alt_urls). Without it: the row with exactly these statuses is updated, or a new one created"),
  active: z.boolean().optional().describe("A new row is active unless false; an update keeps the row's state unless given"),
  rank: z.number().int().optional().describe("Firing order, 1 to 32767, lower first; new rows default to 1"),
  description: z
    .string()
    .max(255)
    .optional()
    .describe('Free text, at most 255 characters; "" clears it (campaigns only: in-groups and lists need one)'),
  lists: listIds.optional().describe('Limit to leads of these list ids, e.g. ["101","102"]; [] means every list'),
  min_call_length: z.number().int().optional().describe("Only fire when talk time is at least this many seconds (0 = always)"),
  allow_credential_variables: z
    .boolean()
    .default(false)
    .describe(
      "Allow --A--pass--B-- / --A--phone_pass--B--, which put agent and phone passwords into a URL VICIdial logs. Leave false unless the person insists",
    ),
  dry_run: dryRun,
};

export const setAltUrl = defineTool({
  name: "set_alt_url",
  title: "Create or update an Alt URL",
  description:
    "Create or update one VICIdial Alt URL: a web address VICIdial itself fetches in the background after an agent gives a call one of the listed dispositions (SALE, CALLBK, ...), so a CRM or order system hears about the call. Works on campaigns, in-groups and lists (entry_type). By id when given; otherwise the row whose statuses equal the requested set is updated, or a new row is created. Only the fields you give change; the row is read back and compared after writing. The entry must be in ALT mode for the URL type (see enable_alt_url_mode for a campaign). Use dry_run to see the exact requests first.",
  inputSchema: setAltUrlInput,
  outputSchema: {
    action: z.enum(["created", "updated", "unchanged"]).describe("What happened (or would happen, on a dry run)"),
    alt_url: altUrlSchema.nullable().describe("The row as VICIdial stored it (on a dry run: as it is now, null for a new row)"),
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
    // Everything is checked before anything is sent.
    const checked = checkValues(a, {
      policy: s.system(a.system).policy,
      way: wayFor(a.entry_type),
      allowCredentialVariables: a.allow_credential_variables,
    });
    const { sys, entry, warnings: resolveWarnings } = await resolveEntry(s, a);
    const warnings = [...checked.warnings, ...resolveWarnings, ...addleadWarning(a.url_type)];
    const out = await sys.writer.session(entry, a.url_type, async (session) => {
      warnings.push(...session.warnings.filter((w) => a.id === undefined || w.startsWith(`Alt URL ${a.id} `)));
      const target = a.id !== undefined ? session.find(a.id) : session.byStatuses(checked.desired.statuses);
      return session.put({ target, desired: checked.desired, dryRun: a.dry_run, caller: { tool: "set_alt_url", actor } });
    });
    warnings.push(...out.warnings);
    if (out.reconciled)
      warnings.push(`VICIdial's answer to the write was lost; listing ${entryLabel(entry)} again showed it had been applied.`);
    const row = out.alt_url;
    let text: string;
    if (a.dry_run) {
      const would =
        out.action === "unchanged"
          ? "changed nothing"
          : out.action === "created"
            ? `created a new Alt URL on ${entryLabel(entry)}`
            : `updated Alt URL ${row!.id}`;
      text = `Dry run: would have ${would}${Object.keys(out.changes).length ? ` (${formatChanges(out.changes)})` : ""}. Nothing was sent.`;
    } else if (out.action === "unchanged")
      text = `${describeRow(row!)} already matches; ${out.change_id ? "nothing changed" : "nothing was sent"}.`;
    else text = `${out.action === "created" ? "Created" : "Updated"} ${describeRow(row!)}: ${formatChanges(out.changes)}.`;
    return {
      structured: {
        action: out.action,
        alt_url: row,
        changes: out.changes,
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

/**
 * copy_alt_urls: make other entries' Alt URLs of one type match a source
 * entry's (campaigns, in-groups and lists, in any combination the URL type
 * allows). Rows are matched by their status set, so a second run changes
 * nothing. Targets run concurrently (the connection caps requests in flight),
 * each in its own write session, and one failing target never stops the
 * others. With `replace`, rows a target has beyond the source are deleted,
 * after one confirmation covering every target.
 */
import { z } from "zod";
import type { PlannedRequest } from "../client/connection.js";
import { altModeOff } from "../client/entryErrors.js";
import { asToolError, invalidInput, type ToolError } from "../common/errors.js";
import { type AltUrl, ENTRY_TYPES, EntryLabel, type EntryRef, entryLabel } from "../common/model.js";
import { wantedFromSource } from "../domain/copySources.js";
import { matchRows, type RowOutcome, reconcileEntry } from "../domain/reconcile.js";
import { wayFor } from "../domain/system.js";
import { defineTool, errorSchema } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { withWarnings } from "./shared/format.js";
import {
  campaignId,
  changeIdSchema,
  changesSchema,
  dryRun,
  plannedRequestSchema,
  systemArg,
  urlType,
  warningsSchema,
} from "./shared/schemas.js";

const TOOL = "copy_alt_urls";

const rowResultSchema = z.object({
  action: z
    .enum(["created", "updated", "unchanged", "deleted", "skipped", "error"])
    .describe("What happened to this row (on a dry run: what would)"),
  id: z.number().nullable().describe("The target's Alt URL id (null for a row not created yet)"),
  source_id: z.number().nullable().describe("The source Alt URL it copies (null for a deleted target row)"),
  statuses: z.array(z.string()).describe("The row's statuses"),
  changes: changesSchema,
  detail: z.string().nullable().describe("Why a row was skipped or deleted"),
  error: errorSchema.nullable().describe("The error for this row, if any"),
  change_id: changeIdSchema,
});

const targetResultSchema = z.object({
  campaign_id: z.string().describe("Target id (as VICIdial spells it when it could be resolved)"),
  entry_type: z.string().describe("campaign, ingroup or list"),
  ok: z.boolean().describe("True when every row of this target was copied"),
  created: z.number().describe("Rows created"),
  updated: z.number().describe("Rows updated"),
  unchanged: z.number().describe("Rows already equal to the source"),
  deleted: z.number().describe("Rows deleted (replace only)"),
  rows: z.array(rowResultSchema).describe("Each row's outcome"),
  error: errorSchema.nullable().describe("Why this target failed (the first problem), null when ok"),
});

type TargetResult = z.infer<typeof targetResultSchema>;

function targetResult(entry: EntryRef, rows: RowOutcome[], error: ToolError | null): TargetResult {
  const count = (a: RowOutcome["action"]) => rows.filter((r) => r.action === a).length;
  const shown = rows.map((r) => ({ ...r, error: r.error?.toPayload() ?? null }));
  const firstRowError = shown.find((r) => r.error)?.error ?? null;
  return {
    campaign_id: entry.id,
    entry_type: entry.type,
    ok: error === null && firstRowError === null,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    deleted: count("deleted"),
    rows: shown,
    error: error?.toPayload() ?? firstRowError,
  };
}

export const copyAltUrls = defineTool({
  name: TOOL,
  title: "Copy Alt URLs to other campaigns, in-groups or lists",
  description:
    "Copy one entry's Alt URLs of one type (from_campaign_id with from_entry_type, url_type) to other entries (to_campaign_ids with to_entry_type): campaign to campaigns, a campaign's rows to in-groups and back. Each target row with the same statuses is updated to match (URL, active, rank, description, lists, minimum talk time), missing ones are created; running it again changes nothing. replace: true also DELETES target rows whose statuses match no source row (asks the person to confirm once, when the client supports it). Targets must be in ALT mode for the type. Each target gets its own result; one failing target does not stop the others. Sends progress notifications when given a progress token. Use dry_run to see every request first.",
  inputSchema: {
    system: systemArg.describe(
      "Which configured VICIdial system (see list_systems) both the source and the targets are on, unless from_system or to_system says otherwise; leave out for the default one",
    ),
    from_system: systemArg.describe(
      'The system to read the source from, e.g. "staging" (default: system, then the default system); its rows are only read',
    ),
    to_system: systemArg.describe(
      'The system whose entries are written, e.g. "production" (default: system, then the default system), so rows tried on one system are promoted to another',
    ),
    from_campaign_id: campaignId.describe("The campaign, in-group or list to copy from (its Alt URLs are only read)"),
    from_entry_type: z.enum(ENTRY_TYPES).default("campaign").describe("What from_campaign_id names: campaign (default), ingroup or list"),
    url_type: urlType,
    to_campaign_ids: z
      .array(campaignId)
      .min(1)
      .max(100)
      .describe('Targets to copy to, e.g. ["3001","3002"]; duplicates and the source itself are ignored'),
    to_entry_type: z.enum(ENTRY_TYPES).default("campaign").describe("What to_campaign_ids name: campaign (default), ingroup or list"),
    replace: z
      .boolean()
      .default(false)
      .describe("true: also delete target rows whose statuses match no source row, so targets end up exactly like the source"),
    allow_credential_variables: z
      .boolean()
      .default(false)
      .describe(
        "Allow copying URLs with --A--pass--B-- / --A--phone_pass--B--, which put agent and phone passwords into URLs VICIdial logs",
      ),
    dry_run: dryRun,
  },
  outputSchema: {
    from_system: z.string().describe("The system the source was read from"),
    to_system: z.string().describe("The system the targets are on (the result's system)"),
    from_campaign_id: z.string().describe("Source id as VICIdial spells it"),
    from_entry_type: z.string().describe("campaign, ingroup or list"),
    url_type: z.string().describe("The URL type copied"),
    source_count: z.number().describe("How many source rows were read"),
    results: z.array(targetResultSchema).describe("One result per target"),
    summary: z.string().describe("One sentence: what was done"),
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  write: true,
  systemOf: (a) => (a.to_system !== undefined ? { name: a.to_system, field: "to_system" } : { name: a.system, field: "system" }),
  async handler(a, ctx) {
    const s = ctx.services;
    const type = a.url_type;
    const fromSystem = s.systems.resolve(a.from_system ?? a.system, a.from_system !== undefined ? "from_system" : "system");
    const toSystem = s.systems.resolve(a.to_system ?? a.system, a.to_system !== undefined ? "to_system" : "system");
    const across = fromSystem !== toSystem;
    const targetSys = s.system(toSystem);
    // Checked before the source is read: bad input sends nothing at all.
    targetSys.entries.assertUrlType(a.to_entry_type, type);
    const src = await resolveEntry(
      s,
      { system: fromSystem, campaign_id: a.from_campaign_id, entry_type: a.from_entry_type, url_type: type },
      "from_campaign_id",
    );
    // Labels name the system only when the copy crosses from one to another.
    const label = (e: EntryRef, sys: string) => (across ? `${sys}'s ${entryLabel(e)}` : entryLabel(e));
    const sourceLabel = label(src.entry, fromSystem);
    const warnings = [...src.warnings];
    const read = await src.sys.storeFor(src.entry).list(src.entry, type);
    warnings.push(...read.warnings);
    const prepared = wantedFromSource(read.rows, {
      source: src.entry,
      targetWay: wayFor(a.to_entry_type),
      // The rows land on the target system: its own URL policy (allowed hosts, https only) decides.
      policy: targetSys.policy,
      allowCredentialVariables: a.allow_credential_variables,
    });
    warnings.push(...prepared.warnings);
    if (read.rows.length === 0) {
      warnings.push(
        `${sourceLabel} has no ${type} Alt URLs: there is nothing to copy${a.replace ? ", so replace deletes every such row on the targets" : ""}.`,
      );
    }

    const sameAsSource = (id: string) => !across && a.to_entry_type === src.entry.type && id.toUpperCase() === src.entry.id.toUpperCase();
    const seen = new Set<string>();
    const inputs = a.to_campaign_ids.map(String).filter((id) => !seen.has(id.toUpperCase()) && (seen.add(id.toUpperCase()), true));
    const skippedSource = inputs.filter(sameAsSource);
    for (const id of skippedSource) warnings.push(`${id} is the source ${entryLabel(src.entry)}; it was skipped.`);
    const targets = inputs.filter((id) => !sameAsSource(id));
    if (targets.length === 0)
      throw invalidInput("to_campaign_ids", `names only the source ${entryLabel(src.entry)}.`, "Give at least one other entry to copy to.");

    // First read of every target: resolve it, check ALT mode, and see what replace would delete.
    const planned = await Promise.all(
      targets.map(async (input) => {
        const entry: EntryRef = { id: input, type: a.to_entry_type };
        try {
          const t = await resolveEntry(
            s,
            { system: toSystem, campaign_id: input, entry_type: a.to_entry_type, url_type: type },
            "to_campaign_ids",
          );
          if (t.entry.type === "campaign" && !(await t.sys.api.probeAltMode(t.entry.id, type))) throw altModeOff(t.entry, type, null);
          const rows = (await t.sys.storeFor(t.entry).list(t.entry, type)).rows;
          warnings.push(...t.warnings);
          return { entry: t.entry, sys: t.sys, toDelete: matchRows(prepared.wanted, rows).unmatched, error: null };
        } catch (err) {
          return { entry, sys: null, toDelete: [] as AltUrl[], error: asToolError(err) };
        }
      }),
    );
    const deletions = a.replace ? planned.filter((p) => p.toDelete.length > 0) : [];
    const approved = new Set(deletions.flatMap((d) => d.toDelete.map((r) => r.id)));
    if (deletions.length && !a.dry_run) {
      const lines = deletions.flatMap((d) => [
        `${across ? `${toSystem}'s ${entryLabel(d.entry)}` : EntryLabel(d.entry)}:`,
        ...d.toDelete.map(
          (r) => `- Alt URL ${r.id} (${r.active ? "active" : "inactive"}, statuses ${r.statuses.join(" ") || "none"}): ${r.url}`,
        ),
      ]);
      await ctx.confirm(
        `Copy ${sourceLabel}'s ${type} Alt URLs${across ? ` to ${toSystem}` : ""} with replace. These rows have no match in the source and will be DELETED (this cannot be undone in VICIdial):\n${lines.join("\n")}`,
      );
    }

    const requests: PlannedRequest[] = [];
    let done = 0;
    const results = await Promise.all(
      planned.map(async (p): Promise<TargetResult> => {
        let result: TargetResult;
        if (!p.sys) result = targetResult(p.entry, [], p.error);
        else {
          try {
            const rows = await p.sys.writer.session(p.entry, type, (session) =>
              reconcileEntry(session, prepared.wanted, {
                dryRun: a.dry_run,
                caller: { tool: TOOL, actor: ctx.actor },
                prune: a.replace,
                approvedDeletes: approved,
                onRequests: (r) => requests.push(...r),
                onWarnings: (w) => warnings.push(...w),
              }),
            );
            result = targetResult(p.entry, rows, null);
          } catch (err) {
            result = targetResult(p.entry, [], asToolError(err));
          }
        }
        await ctx.progress(++done, planned.length, `${result.campaign_id}: ${result.ok ? "done" : `failed (${result.error?.code})`}`);
        return result;
      }),
    );

    const summary = summarize(sourceLabel, across ? ` on ${toSystem}` : "", type, read.rows.length, results, a.dry_run);
    const lines = [summary, ...results.map(targetLine)];
    if (a.dry_run) lines.push("Dry run: nothing was sent.");
    return {
      structured: {
        system: toSystem,
        from_system: fromSystem,
        to_system: toSystem,
        from_campaign_id: src.entry.id,
        from_entry_type: src.entry.type,
        url_type: type,
        source_count: read.rows.length,
        results,
        summary,
        dry_run: a.dry_run,
        requests,
        warnings,
      },
      text: withWarnings(lines.join("\n"), warnings),
    };
  },
});

function summarize(source: string, where: string, type: string, count: number, results: TargetResult[], dry: boolean): string {
  const ok = results.filter((r) => r.ok).length;
  const sum = (k: "created" | "updated" | "unchanged" | "deleted") => results.reduce((n, r) => n + r[k], 0);
  const verb = dry ? "Would copy" : "Copied";
  return `${verb} ${count} ${type} Alt URL${count === 1 ? "" : "s"} from ${source} to ${results.length} target${results.length === 1 ? "" : "s"}${where}: ${ok} succeeded, ${results.length - ok} failed; ${sum("created")} created, ${sum("updated")} updated, ${sum("unchanged")} unchanged, ${sum("deleted")} deleted.`;
}

function targetLine(r: TargetResult): string {
  const gone = r.rows.filter((x) => x.action === "deleted").map((x) => x.id);
  const counts = `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.deleted} deleted${gone.length ? `: Alt URL ${gone.join(", ")}` : ""}`;
  const who = `${r.entry_type === "campaign" ? "" : `${r.entry_type} `}${r.campaign_id}`;
  if (r.ok) return `- ${who}: ok (${counts})`;
  const e = r.error;
  return `- ${who}: FAILED${e ? ` ${e.code}: ${e.message} Fix: ${e.fix}` : ""} (${counts})`;
}

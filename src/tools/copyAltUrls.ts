/**
 * copy_alt_urls: make other campaigns' Alt URLs of one type match a source
 * campaign's. Rows are matched by their status set (like set_alt_url), so a
 * second run changes nothing. Targets run concurrently (the client caps the
 * requests in flight), each under its own campaign lock, and one failing
 * target never stops the others. With `replace`, rows a target has beyond the
 * source are deleted, after one confirmation covering every target.
 */
import { z } from "zod";
import type { PlannedRequest } from "../client/vicidial.js";
import { checkDescription, unsendableStatusChars } from "../domain/fields.js";
import { deleteRowAudited } from "../domain/removeRow.js";
import type { Services } from "../domain/runtime.js";
import { checkTemplate } from "../domain/templateVars.js";
import { prepareAltUrl } from "../domain/urlPolicy.js";
import { applyDesired } from "../domain/writer.js";
import { type Desired, readAltUrls } from "../domain/writeSteps.js";
import { invalidInput, ToolError } from "../shared/errors.js";
import type { AltUrl, UrlType } from "../shared/model.js";
import { defineTool, errorSchema, type ToolContext } from "./shared/define.js";
import { withWarnings } from "./shared/format.js";
import { campaignId, changesSchema, dryRun, plannedRequestSchema, urlType, warningsSchema } from "./shared/schemas.js";

const TOOL = "copy_alt_urls";

interface SourceRow {
  row: AltUrl;
  /** What each target row should hold; null when the row cannot be sent through the API. */
  desired: Desired | null;
  skipReason: string | null;
}

const rowResultSchema = z.object({
  action: z
    .enum(["created", "updated", "unchanged", "deleted", "skipped", "error"])
    .describe("What happened to this row (on a dry run: what would)"),
  id: z.number().nullable().describe("The target campaign's Alt URL id (null for a row not created yet)"),
  source_id: z.number().nullable().describe("The source Alt URL it copies (null for a deleted target row)"),
  statuses: z.array(z.string()).describe("The row's statuses"),
  changes: changesSchema,
  detail: z.string().nullable().describe("Why a row was skipped or deleted"),
  error: errorSchema.nullable().describe("The error for this row, if any"),
});

const targetResultSchema = z.object({
  campaign_id: z.string().describe("Target campaign (as VICIdial spells it when it could be resolved)"),
  ok: z.boolean().describe("True when every row of this target was copied"),
  created: z.number().describe("Rows created"),
  updated: z.number().describe("Rows updated"),
  unchanged: z.number().describe("Rows already equal to the source"),
  deleted: z.number().describe("Rows deleted (replace only)"),
  rows: z.array(rowResultSchema).describe("Each row's outcome"),
  error: errorSchema.nullable().describe("Why this target failed (the first problem), null when ok"),
});

type RowResult = z.infer<typeof rowResultSchema>;
type RowAction = RowResult["action"];
type TargetResult = z.infer<typeof targetResultSchema>;

/** A target after the first read: what would be matched and deleted. */
interface PlannedTarget {
  campaign: string;
  rows: AltUrl[];
  toDelete: AltUrl[];
}

function asToolError(err: unknown, s: Services): ToolError {
  if (err instanceof ToolError) return err;
  s.log.error(`${TOOL}: ${(err as Error)?.stack ?? String(err)}`);
  return new ToolError({
    code: "UNEXPECTED_RESPONSE",
    message: `Internal error in ${TOOL}: ${(err as Error)?.message ?? String(err)}`,
    cause: "The server met a situation it does not handle.",
    fix: "Call list_alt_urls on this campaign to see its current state; report this message to the server's maintainers.",
  });
}

/** Every source row re-validated under this server's policy; a refusal stops the whole call before any write. */
function prepareSources(
  s: Services,
  rows: AltUrl[],
  source: string,
  allowCredentials: boolean,
): { sources: SourceRow[]; warnings: string[] } {
  const warnings: string[] = [];
  const sources = rows.map((row): SourceRow => {
    const bad = unsendableStatusChars(row.statuses);
    if (bad.length) {
      const reason = `its statuses (${row.statuses.join(" ")}) hold ${bad.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send; copy it on VICIdial's admin pages`;
      warnings.push(`Alt URL ${row.id} of campaign ${source} was not copied: ${reason}.`);
      return { row, desired: null, skipReason: reason };
    }
    try {
      const p = prepareAltUrl(row.url, { requireHttps: s.config.requireHttps, allowedHosts: s.config.allowedUrlHosts }, "url");
      const t = checkTemplate(p.url, { allowCredentialVariables: allowCredentials }, "url");
      for (const w of [...p.warnings, ...t.warnings]) warnings.push(`Alt URL ${row.id} of campaign ${source}: ${w}`);
      const desired: Desired = {
        url: p.url,
        statuses: row.statuses,
        active: row.active,
        rank: row.rank,
        description: checkDescription(row.description),
        lists: row.lists,
        min_call_length: row.min_call_length,
      };
      return { row, desired, skipReason: null };
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      const credential = /allow_credential_variables/.test(err.fix);
      throw new ToolError({
        code: "INVALID_INPUT",
        field: credential ? "allow_credential_variables" : "from_campaign_id",
        message: `Alt URL ${row.id} of campaign ${source} cannot be copied: ${err.message}`,
        cause: `${err.reason} Nothing was written to any campaign.`,
        fix: credential
          ? `Set allow_credential_variables: true only if the person confirms the targets need it, or remove the variable from Alt URL ${row.id} with set_alt_url first.`
          : `${err.fix} Correct Alt URL ${row.id} on campaign ${source} with set_alt_url, then copy again.`,
      });
    }
  });
  return { sources, warnings };
}

const setKey = (statuses: string[]) => [...new Set(statuses)].sort().join(" ");

/**
 * Pair source rows with target rows of the same status set, in rank order.
 * A target with more rows for a set than the source has is ambiguous: those
 * source rows become errors and the target rows are left alone.
 */
function matchRows(sources: SourceRow[], targetRows: AltUrl[], campaign: string) {
  const byKey = new Map<string, AltUrl[]>();
  for (const r of targetRows) byKey.set(setKey(r.statuses), [...(byKey.get(setKey(r.statuses)) ?? []), r]);
  const groups = new Map<string, SourceRow[]>();
  for (const src of sources) groups.set(setKey(src.row.statuses), [...(groups.get(setKey(src.row.statuses)) ?? []), src]);
  const matched = new Set<number>();
  const pairs: { source: SourceRow; target: AltUrl | null; error: ToolError | null }[] = [];
  for (const [key, srcs] of groups) {
    const tgts = byKey.get(key) ?? [];
    for (const t of tgts) matched.add(t.id);
    const ambiguous = tgts.length > srcs.length;
    srcs.forEach((source, i) => {
      const error = ambiguous
        ? invalidInput(
            "to_campaign_ids",
            `campaign ${campaign} has ${tgts.length} Alt URLs for statuses ${key || "(none)"} (ids ${tgts.map((t) => t.id).join(", ")}) where the source has ${srcs.length}, so it is unclear which to update.`,
            `Remove the extra rows on campaign ${campaign} with delete_alt_url (or update one with set_alt_url and its id), then copy again.`,
          )
        : null;
      pairs.push({ source, target: ambiguous ? null : (tgts[i] ?? null), error });
    });
  }
  return { pairs, unmatched: targetRows.filter((r) => !matched.has(r.id)) };
}

function rowResult(
  action: RowAction,
  id: number | null,
  source: AltUrl | null,
  statuses: string[],
  extra: Partial<RowResult> = {},
): RowResult {
  return { action, id, source_id: source?.id ?? null, statuses, changes: {}, detail: null, error: null, ...extra };
}

function targetResult(campaign: string, rows: RowResult[], error: ToolError | null): TargetResult {
  const count = (a: RowAction) => rows.filter((r) => r.action === a).length;
  const firstRowError = rows.find((r) => r.error)?.error ?? null;
  return {
    campaign_id: campaign,
    ok: error === null && firstRowError === null,
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    deleted: count("deleted"),
    rows,
    error: error?.toPayload() ?? firstRowError,
  };
}

/** Apply the plan to one target; called under the target's lock. */
async function applyToTarget(
  s: Services,
  sources: SourceRow[],
  plan: PlannedTarget,
  type: UrlType,
  opts: { dry: boolean; replace: boolean; approved: Set<number> },
  requests: PlannedRequest[],
  warnings: string[],
): Promise<TargetResult> {
  const campaign = plan.campaign;
  const rows = opts.dry ? plan.rows : (await readAltUrls(s, campaign, type)).rows;
  const { pairs, unmatched } = matchRows(sources, rows, campaign);
  const live = [...rows];
  const out: RowResult[] = [];
  let stop: ToolError | null = null;
  for (const { source, target, error } of pairs) {
    const src = source.row;
    if (stop) {
      out.push(
        rowResult("skipped", target?.id ?? null, src, src.statuses, { detail: `not attempted after ${stop.code} on this campaign` }),
      );
    } else if (error) {
      out.push(rowResult("error", null, src, src.statuses, { error: error.toPayload() }));
    } else if (!source.desired) {
      out.push(rowResult("skipped", target?.id ?? null, src, src.statuses, { detail: source.skipReason }));
    } else {
      try {
        const res = await applyDesired(s, campaign, type, live, target, source.desired, opts.dry, TOOL);
        requests.push(...res.requests);
        if (res.reconciled)
          warnings.push(`Campaign ${campaign}: VICIdial's answer to a write was lost; listing again showed it had been applied.`);
        const stored = res.alt_url;
        if (stored && !opts.dry) {
          const at = live.findIndex((r) => r.id === stored.id);
          if (at >= 0) live[at] = stored;
          else live.push(stored);
        }
        out.push(
          rowResult(res.action, opts.dry && res.action === "created" ? null : (stored?.id ?? null), src, src.statuses, {
            changes: res.changes,
          }),
        );
      } catch (err) {
        const e = asToolError(err, s);
        out.push(rowResult("error", target?.id ?? null, src, src.statuses, { error: e.toPayload() }));
        // A row-specific problem leaves the other rows worth trying; anything else would repeat.
        if (e.code !== "INVALID_INPUT" && e.code !== "VERIFY_FAILED") stop = e;
      }
    }
  }
  if (opts.replace) {
    for (const row of unmatched) {
      if (stop) {
        out.push(rowResult("skipped", row.id, null, row.statuses, { detail: `not deleted: stopped after ${stop.code} on this campaign` }));
      } else if (!opts.approved.has(row.id)) {
        out.push(
          rowResult("skipped", row.id, null, row.statuses, { detail: "not deleted: it appeared after the person confirmed the deletions" }),
        );
        warnings.push(
          `Campaign ${campaign}: Alt URL ${row.id} has no match in the source but appeared after the confirmation, so it was not deleted.`,
        );
      } else if (opts.dry) {
        if (row.active) requests.push(s.client.planAltUrlWrite(campaign, type, String(row.id), { active: "N" }));
        requests.push(s.client.planDelete(campaign, type, row.id));
        out.push(rowResult("deleted", row.id, null, row.statuses, { detail: `would delete ${row.url}` }));
      } else {
        try {
          warnings.push(...(await deleteRowAudited(s, TOOL, campaign, type, row)).warnings);
          out.push(rowResult("deleted", row.id, null, row.statuses, { detail: `deleted ${row.url}` }));
        } catch (err) {
          const e = asToolError(err, s);
          out.push(rowResult("error", row.id, null, row.statuses, { error: e.toPayload(), detail: "delete failed" }));
          if (e.code !== "VERIFY_FAILED" && e.code !== "ALT_URL_NOT_FOUND") stop = e;
        }
      }
    }
  }
  return targetResult(campaign, out, null);
}

/** Resolve, check ALT mode and read one target: everything the confirmation needs. */
async function planTarget(
  s: Services,
  input: string,
  source: string,
  sources: SourceRow[],
  type: UrlType,
): Promise<PlannedTarget | "is_source"> {
  const resolved = await s.campaigns.resolve(input, "to_campaign_ids");
  if (resolved.id.toUpperCase() === source.toUpperCase()) return "is_source";
  if (!(await s.client.probeAltMode(resolved.id, type))) {
    throw new ToolError({
      code: "ALT_MODE_OFF",
      field: "to_campaign_ids",
      message: `Campaign ${resolved.id} does not use Alt URLs: its ${type === "dispo" ? "Dispo Call URL" : type === "start" ? "Start Call URL" : "No Agent Call URL"} is not ALT, so nothing was copied to it.`,
      cause: "VICIdial only accepts (and fires) Alt URLs on a campaign whose URL of that type is set to ALT.",
      fix:
        type === "dispo"
          ? `Call enable_alt_url_mode for campaign ${resolved.id} (with preserve_url set to its current Dispo Call URL), then copy again.`
          : `Set "${type === "start" ? "Start Call URL" : "No Agent Call URL"}" to ALT in VICIdial Admin > Campaigns > ${resolved.id} > Detail, then copy again.`,
    });
  }
  const rows = (await readAltUrls(s, resolved.id, type)).rows;
  return { campaign: resolved.id, rows, toDelete: matchRows(sources, rows, resolved.id).unmatched };
}

export const copyAltUrls = defineTool({
  name: TOOL,
  title: "Copy Alt URLs to other campaigns",
  description:
    "Copy one campaign's Alt URLs of one type (from_campaign_id, url_type) to other campaigns (to_campaign_ids): each target row with the same statuses is updated to match (URL, active, rank, description, lists, minimum talk time), missing ones are created; running it again changes nothing. replace: true also DELETES target rows whose statuses match no source row (asks the person to confirm once, when the client supports it). Targets must be in ALT mode. Each target gets its own result; one failing target does not stop the others. Sends progress notifications when given a progress token. Use dry_run to see every request first.",
  inputSchema: {
    from_campaign_id: campaignId.describe("The campaign to copy from (its Alt URLs are only read)"),
    url_type: urlType,
    to_campaign_ids: z
      .array(campaignId)
      .min(1)
      .max(100)
      .describe('Campaigns to copy to, e.g. ["3001","3002"]; duplicates and the source itself are ignored'),
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
    from_campaign_id: z.string().describe("Source campaign as VICIdial spells it"),
    url_type: z.string().describe("The URL type copied"),
    source_count: z.number().describe("How many source rows were read"),
    results: z.array(targetResultSchema).describe("One result per target campaign"),
    summary: z.string().describe("One sentence: what was done"),
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const s = ctx.services;
    const type = a.url_type;
    const src = await s.campaigns.resolve(a.from_campaign_id, "from_campaign_id");
    const warnings = [...src.warnings];
    const read = await readAltUrls(s, src.id, type);
    warnings.push(...read.warnings);
    const prepared = prepareSources(s, read.rows, src.id, a.allow_credential_variables);
    warnings.push(...prepared.warnings);
    if (read.rows.length === 0)
      warnings.push(
        `Campaign ${src.id} has no ${type} Alt URLs: there is nothing to copy${a.replace ? ", so replace deletes every such row on the targets" : ""}.`,
      );

    const seen = new Set<string>([src.id.toUpperCase()]);
    const inputs = a.to_campaign_ids.filter((id) => (seen.has(id.toUpperCase()) ? false : (seen.add(id.toUpperCase()), true)));
    if (inputs.length === 0) {
      throw invalidInput("to_campaign_ids", `names only the source campaign ${src.id}.`, "Give at least one other campaign to copy to.");
    }

    const planned = await Promise.all(
      inputs.map(async (input) => {
        try {
          return { input, plan: await planTarget(s, input, src.id, prepared.sources, type), error: null };
        } catch (err) {
          return { input, plan: null, error: asToolError(err, s) };
        }
      }),
    );
    const approved = new Set<number>();
    const deletions = planned
      .flatMap((p) => (p.plan && p.plan !== "is_source" && a.replace ? [{ campaign: p.plan.campaign, rows: p.plan.toDelete }] : []))
      .filter((d) => d.rows.length > 0);
    for (const d of deletions) for (const r of d.rows) approved.add(r.id);
    if (deletions.length && !a.dry_run) {
      const lines = deletions.flatMap((d) => [
        `Campaign ${d.campaign}:`,
        ...d.rows.map(
          (r) => `- Alt URL ${r.id} (${r.active ? "active" : "inactive"}, statuses ${r.statuses.join(" ") || "none"}): ${r.url}`,
        ),
      ]);
      await ctx.confirm(
        `Copy campaign ${src.id}'s ${type} Alt URLs with replace. These rows have no match in ${src.id} and will be DELETED (this cannot be undone in VICIdial):\n${lines.join("\n")}`,
      );
    }

    const requests: PlannedRequest[] = [];
    let done = 0;
    const total = planned.filter((p) => p.plan !== "is_source").length;
    const results = (
      await Promise.all(
        planned.map(async ({ input, plan, error }): Promise<TargetResult | null> => {
          if (plan === "is_source") {
            warnings.push(`${input} is the source campaign ${src.id}; it was skipped.`);
            return null;
          }
          let result: TargetResult;
          if (!plan) result = targetResult(input, [], error);
          else {
            try {
              result = await s.locks.run(plan.campaign.toUpperCase(), () =>
                applyToTarget(s, prepared.sources, plan, type, { dry: a.dry_run, replace: a.replace, approved }, requests, warnings),
              );
            } catch (err) {
              result = targetResult(plan.campaign, [], asToolError(err, s));
            }
          }
          await ctx.progress(++done, total, `${result.campaign_id}: ${result.ok ? "done" : `failed (${result.error?.code})`}`);
          return result;
        }),
      )
    ).filter((r): r is TargetResult => r !== null);

    const summary = summarize(src.id, type, read.rows.length, results, a.dry_run);
    const lines = [summary, ...results.map(targetLine)];
    if (a.dry_run) lines.push("Dry run: nothing was sent.");
    return {
      structured: {
        from_campaign_id: src.id,
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

function summarize(source: string, type: string, count: number, results: TargetResult[], dry: boolean): string {
  const ok = results.filter((r) => r.ok).length;
  const sum = (k: "created" | "updated" | "unchanged" | "deleted") => results.reduce((n, r) => n + r[k], 0);
  const verb = dry ? "Would copy" : "Copied";
  return `${verb} ${count} ${type} Alt URL${count === 1 ? "" : "s"} from campaign ${source} to ${results.length} campaign${results.length === 1 ? "" : "s"}: ${ok} succeeded, ${results.length - ok} failed; ${sum("created")} created, ${sum("updated")} updated, ${sum("unchanged")} unchanged, ${sum("deleted")} deleted.`;
}

function targetLine(r: TargetResult): string {
  const gone = r.rows.filter((x) => x.action === "deleted").map((x) => x.id);
  const counts = `${r.created} created, ${r.updated} updated, ${r.unchanged} unchanged, ${r.deleted} deleted${gone.length ? `: Alt URL ${gone.join(", ")}` : ""}`;
  if (r.ok) return `- ${r.campaign_id}: ok (${counts})`;
  const e = r.error;
  return `- ${r.campaign_id}: FAILED${e ? ` ${e.code}: ${e.message} Fix: ${e.fix}` : ""} (${counts})`;
}

/**
 * enable_alt_url_mode: switch a campaign's Dispo Call URL to ALT, keeping the
 * old single URL firing as an Alt URL when the person gives it.
 */
import { z } from "zod";
import type { TransportError } from "../client/transport.js";
import { ToolError } from "../common/errors.js";
import { ALL_STATUSES, type AltUrl } from "../common/model.js";
import { isUnknownOutcome, notApplied, stillUnknown } from "../domain/outcomes.js";
import { checkTemplate } from "../domain/templateVars.js";
import { prepareAltUrl } from "../domain/urlPolicy.js";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { withWarnings } from "./shared/format.js";
import {
  altUrlSchema,
  campaignId,
  changeIdSchema,
  dryRun,
  plannedRequestSchema,
  systemArg,
  URL_MAX,
  warningsSchema,
} from "./shared/schemas.js";

const PRESERVED_DESCRIPTION = "Previous Dispo Call URL kept when switching to ALT";

/**
 * The row preserve_url may reuse: only an every-status row with that very
 * URL. Another ---ALL--- row is someone's own Alt URL and is never overwritten.
 */
function preservedRow(rows: AltUrl[], url: string): AltUrl | null {
  return rows.find((r) => r.all_statuses && r.statuses.length === 1 && r.url === url) ?? null;
}

/** The switch happened; only the preserved row failed: say both, so nobody repeats the switch. */
function preserveFailed(campaign: string, url: string, err: unknown): ToolError {
  const e =
    err instanceof ToolError
      ? err
      : new ToolError({
          code: "UNEXPECTED_RESPONSE",
          message: (err as Error).message,
          cause: "The server met a situation it does not handle.",
          fix: "Call list_alt_urls to see the current rows.",
        });
  return new ToolError({
    code: e.code,
    field: e.field,
    message: `Campaign ${campaign} is now in ALT mode, but preserve_url was not added as an Alt URL: ${e.message}`,
    cause: e.reason,
    fix: `${e.fix} Then add it with set_alt_url (campaign_id ${campaign}, statuses ["${ALL_STATUSES}"], url ${url}) so calls keep reaching it; do not call enable_alt_url_mode again.`,
    retryable: false,
    vicidialResponse: e.vicidialResponse,
  });
}

export const enableAltUrlMode = defineTool({
  name: "enable_alt_url_mode",
  title: "Switch a campaign's dispo URL to ALT",
  description:
    "Switch a campaign's Dispo Call URL to ALT so that its dispo Alt URLs fire (update_campaign dispo_call_url=ALT). This OVERWRITES the campaign's single old Dispo Call URL, which VICIdial's API cannot read first: ask the person for it and pass it as preserve_url, and it is added right after the switch as an active Alt URL for ---ALL--- statuses so calls keep reaching it. A campaign already in ALT mode is left alone (action unchanged). Campaigns only: in-groups, lists, start and no-agent URLs are switched on VICIdial's admin pages. Asks the person to confirm when the client supports it.",
  inputSchema: {
    system: systemArg,
    campaign_id: campaignId,
    preserve_url: z
      .string()
      .max(URL_MAX)
      .optional()
      .describe(
        "The campaign's current Dispo Call URL (as shown in VICIdial Admin > Campaigns > Detail), to keep firing as an Alt URL after the switch",
      ),
    allow_credential_variables: z
      .boolean()
      .default(false)
      .describe("Allow --A--pass--B-- / --A--phone_pass--B-- in preserve_url (they put passwords into URLs VICIdial logs)"),
    dry_run: dryRun,
  },
  outputSchema: {
    action: z.enum(["updated", "unchanged"]).describe("updated: switched to ALT; unchanged: it already was"),
    campaign_id: z.string().describe("Campaign id as VICIdial spells it"),
    preserved_alt_url: altUrlSchema.nullable().describe("The Alt URL made from preserve_url, when one was added"),
    warnings: warningsSchema,
    dry_run: z.boolean().describe("True when nothing was sent"),
    requests: z.array(plannedRequestSchema).describe("Dry run: the exact requests that would be sent"),
    change_id: changeIdSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  write: true,
  async handler(a, ctx) {
    const s = ctx.services;
    const warnings: string[] = [];
    let preserve: string | null = null;
    if (a.preserve_url !== undefined) {
      const p = prepareAltUrl(a.preserve_url, s.system(a.system).policy, "preserve_url");
      warnings.push(
        ...p.warnings,
        ...checkTemplate(p.url, { allowCredentialVariables: a.allow_credential_variables }, "preserve_url").warnings,
      );
      preserve = p.url;
    }
    const {
      sys,
      entry,
      warnings: resolveWarnings,
    } = await resolveEntry(s, { system: a.system, campaign_id: a.campaign_id, entry_type: "campaign", url_type: "dispo" });
    warnings.push(...resolveWarnings);
    const campaign = entry.id;
    const desired = preserve
      ? { url: preserve, statuses: [ALL_STATUSES], active: true, rank: 1, description: PRESERVED_DESCRIPTION }
      : null;
    const caller = { tool: "enable_alt_url_mode", actor: ctx.actor };

    const out = await sys.writer.session(entry, "dispo", async (session) => {
      if (await sys.api.probeAltMode(campaign, "dispo")) {
        if (preserve)
          warnings.push(
            "preserve_url was not added: the campaign is already in ALT mode, so its old single Dispo Call URL had already been replaced. If calls should reach that URL, add it with set_alt_url.",
          );
        return { action: "unchanged" as const, preserved: null, requests: [], changeId: null };
      }
      if (a.dry_run) {
        const requests = [sys.api.planDispoAlt(campaign)];
        // LIST works before the switch (facts §3.1), so the preserved row's request is known exactly.
        if (desired)
          requests.push(
            ...(await session.put({ target: preservedRow(session.rows, desired.url), desired, dryRun: true, caller })).requests,
          );
        return { action: "updated" as const, preserved: null, requests, changeId: null };
      }
      await ctx.confirm(
        `Switch campaign ${campaign}'s Dispo Call URL to ALT? Its current Dispo Call URL will be overwritten` +
          (preserve ? ` and re-added as an Alt URL for every status: ${preserve}` : " and NOT kept (no preserve_url was given)") +
          ".",
      );
      const switched = await sys.writer.recorded(
        {
          caller,
          entry,
          urlType: "dispo",
          action: "updated",
          before: { dispo_call_url: "(not ALT; not readable through the API)" },
          after: { dispo_call_url: "ALT" },
        },
        async () => {
          let lost: TransportError | null = null;
          try {
            await sys.api.setDispoCallUrlAlt(campaign);
          } catch (err) {
            if (!isUnknownOutcome(err)) throw err;
            lost = err;
          }
          let nowAlt: boolean;
          try {
            nowAlt = await sys.api.probeAltMode(campaign, "dispo");
          } catch (err) {
            if (lost) throw stillUnknown(lost, `the switch of campaign ${campaign} to ALT`, entry);
            throw err;
          }
          if (!nowAlt && lost) throw notApplied(lost, `the switch of campaign ${campaign} to ALT`, entry, new Date());
          if (!nowAlt) {
            throw new ToolError({
              code: "VERIFY_FAILED",
              message: `Campaign ${campaign} is still not in ALT mode after the switch was sent.`,
              cause: "VICIdial did not apply dispo_call_url=ALT.",
              fix: 'Set "Dispo Call URL" to ALT in VICIdial Admin > Campaigns > (campaign) > Detail.',
            });
          }
          if (lost) warnings.push("VICIdial's answer to the switch was lost; checking the campaign again showed it is now in ALT mode.");
          return {};
        },
      );
      warnings.push(...switched.warnings);
      if (!desired) {
        warnings.push(
          'No preserve_url was given: the campaign\'s previous Dispo Call URL no longer fires. If it should, add it with set_alt_url and statuses ["---ALL---"].',
        );
        return { action: "updated" as const, preserved: null, requests: [], changeId: switched.changeId };
      }
      try {
        await session.relist();
        const saved = await session.put({ target: preservedRow(session.rows, desired.url), desired, dryRun: false, caller });
        warnings.push(...saved.warnings);
        if (saved.reconciled)
          warnings.push("VICIdial's answer to adding the preserved URL was lost; listing the campaign again showed it had been added.");
        return { action: "updated" as const, preserved: saved.alt_url, requests: [], changeId: switched.changeId };
      } catch (err) {
        throw preserveFailed(campaign, desired.url, err);
      }
    });
    const text =
      a.dry_run && out.action === "updated"
        ? `Dry run: would switch campaign ${campaign} to ALT${preserve ? " and add the preserved URL as an Alt URL" : ""}. Nothing was sent.`
        : out.action === "unchanged"
          ? `Campaign ${campaign} is already in ALT mode; nothing was sent.`
          : `Switched campaign ${campaign}'s Dispo Call URL to ALT${out.preserved ? `; its previous URL fires on every status as Alt URL ${out.preserved.id}` : ""}.`;
    return {
      structured: {
        action: out.action,
        campaign_id: campaign,
        preserved_alt_url: out.preserved,
        warnings,
        dry_run: a.dry_run,
        requests: out.requests,
        change_id: out.changeId,
      },
      text: withWarnings(text, warnings),
    };
  },
});

/**
 * The source rows of a copy, checked for the target's way in before any
 * write: every URL against this server's policy and template rules, every
 * status and description by the target way's character rules. A URL or
 * description that cannot be stored stops the whole copy (the fix is at the
 * source); a row whose statuses the target cannot hold is skipped with why.
 */
import { unsendableStatusChars } from "../client/apiStore.js";
import type { Way } from "../client/stores.js";
import { ToolError } from "../common/errors.js";
import { type AltUrl, type EntryRef, entryLabel } from "../common/model.js";
import type { WantedRow } from "./reconcile.js";
import { checkValues } from "./rowRules.js";
import type { UrlPolicy } from "./urlPolicy.js";

export function wantedFromSource(
  rows: AltUrl[],
  opts: { source: EntryRef; targetWay: Way; policy: UrlPolicy; allowCredentialVariables: boolean },
): { wanted: WantedRow[]; warnings: string[] } {
  const warnings: string[] = [];
  const label = entryLabel(opts.source);
  const wanted = rows.map((row): WantedRow => {
    const badStatus = opts.targetWay === "api" ? unsendableStatusChars(row.statuses) : [];
    if (badStatus.length) {
      const reason = `its statuses (${row.statuses.join(" ")}) hold ${badStatus.map((c) => `"${c}"`).join(", ")}, which VICIdial's API cannot send to a campaign; copy it on VICIdial's admin pages`;
      warnings.push(`Alt URL ${row.id} of ${label} was not copied: ${reason}.`);
      return { values: { url: row.url, statuses: row.statuses }, sourceId: row.id, skipReason: reason };
    }
    try {
      // An empty description cannot go through the admin page: a new row there is described by its statuses.
      const description = opts.targetWay === "admin" && row.description.trim() === "" ? undefined : row.description;
      const checked = checkValues(
        {
          url: row.url,
          statuses: row.statuses,
          active: row.active,
          rank: row.rank,
          ...(description !== undefined ? { description } : {}),
          lists: row.lists,
          min_call_length: row.min_call_length,
        },
        { policy: opts.policy, way: opts.targetWay, allowCredentialVariables: opts.allowCredentialVariables },
      );
      for (const w of checked.warnings) warnings.push(`Alt URL ${row.id} of ${label}: ${w}`);
      return { values: checked.desired, sourceId: row.id, skipReason: null };
    } catch (err) {
      if (!(err instanceof ToolError)) throw err;
      const credential = /allow_credential_variables/.test(err.fix);
      throw new ToolError({
        code: "INVALID_INPUT",
        field: credential ? "allow_credential_variables" : "from_campaign_id",
        message: `Alt URL ${row.id} of ${label} cannot be copied: ${err.message}`,
        cause: `${err.reason} Nothing was written to any target.`,
        fix: credential
          ? `Set allow_credential_variables: true only if the person confirms the targets need it, or remove the variable from Alt URL ${row.id} with set_alt_url first.`
          : `${err.fix} Correct Alt URL ${row.id} on ${label} with set_alt_url, then copy again.`,
      });
    }
  });
  return { wanted, warnings };
}

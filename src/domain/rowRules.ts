/**
 * Every value a write may store, checked before anything is sent: the URL
 * (encoded where VICIdial would drop characters, refused where it cannot be
 * kept, against the server's URL policy), its template variables, statuses,
 * lists, rank, minimum length and description, each by the rules of the way
 * in that will store it. set_alt_url, copy_alt_urls and configuration
 * documents all check through here, so a value accepted by one is accepted
 * by all.
 */
import type { Way } from "../client/stores.js";
import { invalidInput } from "../common/errors.js";
import type { RowValues } from "../common/model.js";
import { checkDescription, checkMinCallLength, checkRank, normaliseLists, normaliseStatuses } from "./fields.js";
import { checkTemplate } from "./templateVars.js";
import { prepareAltUrl, type UrlPolicy } from "./urlPolicy.js";

/** Values as a caller gives them; only `url` and `statuses` are required. */
export interface ValueArgs {
  url: string;
  statuses: string[];
  active?: boolean;
  rank?: number;
  description?: string;
  lists?: (string | number)[];
  min_call_length?: number;
}

export interface CheckedValues {
  desired: Partial<RowValues> & Pick<RowValues, "url" | "statuses">;
  warnings: string[];
}

export interface CheckOptions {
  policy: UrlPolicy;
  way: Way;
  allowCredentialVariables: boolean;
  /** Prefix for field names in errors, e.g. "entries[0].alt_urls[1]." for a document. */
  path?: string;
}

export function checkValues(a: ValueArgs, opts: CheckOptions): CheckedValues {
  const p = opts.path ?? "";
  const warnings: string[] = [];
  const prepared = prepareAltUrl(a.url, opts.policy, `${p}url`);
  warnings.push(...prepared.warnings);
  warnings.push(...checkTemplate(prepared.url, { allowCredentialVariables: opts.allowCredentialVariables }, `${p}url`).warnings);
  const st = normaliseStatuses(a.statuses, { field: `${p}statuses`, way: opts.way });
  warnings.push(...st.warnings);
  const desired: CheckedValues["desired"] = { url: prepared.url, statuses: st.statuses };
  if (a.active !== undefined) desired.active = a.active;
  if (a.rank !== undefined) desired.rank = checkRank(a.rank, `${p}rank`);
  if (a.description !== undefined) {
    desired.description = checkDescription(a.description, { field: `${p}description`, way: opts.way });
    if (opts.way === "admin" && desired.description.trim() === "") {
      throw invalidInput(
        `${p}description`,
        "is empty, and VICIdial's admin page (the only way to in-group and list Alt URLs) refuses a row without a description.",
        'Give a short description, e.g. "CRM sale hook".',
      );
    }
  }
  if (a.lists !== undefined) desired.lists = normaliseLists(a.lists, `${p}lists`).lists;
  if (a.min_call_length !== undefined) desired.min_call_length = checkMinCallLength(a.min_call_length, `${p}min_call_length`);
  return { desired, warnings };
}

/**
 * A new row's values: what the caller gave, and the defaults for the rest (a
 * new row is active, unlike VICIdial's own default). The admin page refuses a
 * row without a description, so there a new row is described by its statuses.
 */
export function newRowValues(desired: CheckedValues["desired"], way: Way): RowValues {
  return {
    active: true,
    rank: 1,
    description: way === "admin" ? desired.statuses.join(" ") : "",
    lists: [],
    min_call_length: 0,
    ...desired,
  };
}

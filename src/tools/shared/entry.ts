/**
 * The start of every tool that names one entry: which system, the entry's id
 * as VICIdial spells it, checked against the server's restrictions before
 * any request leaves.
 */
import type { ResolvedEntry } from "../../domain/entries.js";
import type { Services } from "../../domain/runtime.js";
import type { VicidialSystem } from "../../domain/system.js";
import { invalidInput } from "../../shared/errors.js";
import type { EntryType, UrlType } from "../../shared/model.js";
import { idText } from "./schemas.js";

export interface EntryArgs {
  campaign_id: string | number;
  entry_type: EntryType;
  url_type?: UrlType;
  system?: string;
}

const ID_RULE: Record<EntryType, { re: RegExp; text: string; example: string }> = {
  campaign: { re: /^[A-Za-z0-9_-]{2,8}$/, text: "a campaign id is 2 to 8 letters, digits, - or _", example: '"2001"' },
  ingroup: { re: /^[A-Za-z0-9_-]{2,20}$/, text: "an in-group id is 2 to 20 letters, digits, - or _", example: '"SALESLINE"' },
  list: { re: /^\d{1,19}$/, text: "a list id is digits", example: '"1001"' },
};

export async function resolveEntry(s: Services, a: EntryArgs, field = "campaign_id"): Promise<ResolvedEntry & { sys: VicidialSystem }> {
  const sys = s.system(a.system);
  const id = idText(a.campaign_id);
  const rule = ID_RULE[a.entry_type];
  if (!rule.re.test(id)) {
    throw invalidInput(
      field,
      `"${id}" is not a${a.entry_type === "ingroup" ? "n in-group" : ` ${a.entry_type}`} id: ${rule.text}.`,
      `Give the id exactly as VICIdial shows it, e.g. ${rule.example}, and check entry_type.`,
    );
  }
  const resolved = await sys.entries.resolve({ id, type: a.entry_type, urlType: a.url_type, field });
  return { ...resolved, sys };
}

/** The warning every write of an addlead row carries (facts §11.5). */
export function addleadWarning(urlType: UrlType): string[] {
  return urlType === "addlead"
    ? [
        "addlead Alt URLs are stored, but VICIdial 2.14 never reads them: only the in-group's plain Add Lead URL is called (and ALT there switches it off). This row will not fire.",
      ]
    : [];
}

/**
 * The errors that name an entry's own admin screen: an entry that is not in
 * ALT mode for a URL type, or an id that is no campaign, in-group or list.
 */
import { ToolError } from "../common/errors.js";
import { type EntryRef, entryLabel, entryWord, type UrlType } from "../common/model.js";

/** The setting's name on VICIdial's screens, per URL type. */
export const SETTING_NAME: Record<UrlType, string> = {
  dispo: "Dispo Call URL",
  start: "Start Call URL",
  noagent: "No Agent Call URL",
  addlead: "Add Lead URL",
};

const SCREEN: Record<EntryRef["type"], string> = {
  campaign: "VICIdial Admin > Campaigns > (the campaign) > Detail",
  ingroup: "VICIdial Admin > Inbound > Show In-Groups > (the in-group) > Modify",
  list: "VICIdial Admin > Lists > Show Lists > (the list) > Modify",
};

export function altModeOff(entry: EntryRef, urlType: UrlType, line: string | null): ToolError {
  const setting = SETTING_NAME[urlType];
  const campaignHint =
    entry.type === "campaign" && urlType === "dispo"
      ? ` or call enable_alt_url_mode (give preserve_url with the current ${setting} so it keeps firing)`
      : entry.type === "campaign"
        ? ""
        : "; this server cannot switch in-groups or lists to ALT";
  const camp =
    entry.type === "ingroup" && urlType === "dispo"
      ? ` An in-group whose ${setting} is CAMP uses its campaign's Alt URLs instead: manage those on the campaign.`
      : "";
  return new ToolError({
    code: "ALT_MODE_OFF",
    field: "campaign_id",
    message: `${entryLabel(entry)} does not use ${urlType} Alt URLs: its ${setting} is not ALT.`,
    cause: `VICIdial only keeps and fires Alt URLs of a type when the ${entryWord(entry.type)}'s ${setting} is set to ALT.${camp}`,
    fix: `In ${SCREEN[entry.type]} set "${setting}" to ALT${campaignHint}.`,
    vicidialResponse: line,
  });
}

export function entryNotFound(entry: EntryRef, line: string | null): ToolError {
  const word = entryWord(entry.type);
  const where =
    entry.type === "ingroup"
      ? "Call list_ingroups for the in-group ids (VICIdial Admin > Inbound > Show In-Groups lists them all)"
      : entry.type === "list"
        ? "Check the list id in VICIdial Admin > Lists > Show Lists"
        : "Call list_campaigns for the campaign ids this user can reach";
  return new ToolError({
    code: "CAMPAIGN_NOT_FOUND",
    field: "campaign_id",
    message: `VICIdial has no ${word} ${entry.id}.`,
    cause: `No ${word} has this id. Nothing was changed.`,
    fix: `${where}, and check that entry_type (campaign, ingroup or list) says what the id is.`,
    vicidialResponse: line,
  });
}

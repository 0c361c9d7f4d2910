/**
 * non_agent_api.php function=update_campaign: the project needs
 * dispo_call_url; campaign_name and active are modelled too, with VICIdial's
 * own character sets, limits and check order. Any other field is ignored.
 */
import { type ApiCall, loggedApiText, type SandboxResponse } from "./response.js";
import { apiSanitize as S } from "./sanitize.js";

const FN = "update_campaign";
const BLANK = "--BLANK--";

export function updateCampaign({ ctx, user, who }: ApiCall): SandboxResponse {
  const { state, params } = ctx;
  const err = (msg: string) => loggedApiText(`ERROR: ${FN} ${msg}\n`);
  if (!state.allowsFunction(user, FN))
    return loggedApiText(`ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |${who}|${FN}|\n`);
  if (!(user.vdc_agent_api_access === 1 && user.modify_campaigns === 1 && user.user_level >= 8 && user.active === "Y")) {
    return err(`USER DOES NOT HAVE PERMISSION TO UPDATE CAMPAIGNS: |${who}|0`);
  }
  const cid = S.campaignId(params.raw("campaign_id"));
  const name = S.campaignName(params.raw("campaign_name"));
  if (cid.length < 2 || cid.length > 8) return err(`YOU MUST USE ALL REQUIRED FIELDS: |${who}|${cid}|${name}|${cid}`);
  const camp = state.visibleCampaigns(user).find((c) => c.campaign_id.toLowerCase() === cid.toLowerCase());
  if (!camp) return err(`CAMPAIGN DOES NOT EXIST: |${who}|${cid}`);

  // VICIdial checks the fields in this order, each with its own answer.
  const active = S.active(params.raw("active"));
  const dispo = S.dispoCallUrl(params.raw("dispo_call_url"));
  if (name !== "" && (name.length < 6 || name.length > 40)) {
    return err(`CAMPAIGN NAME MUST BE FROM 6 TO 40 CHARACTERS, THIS IS AN OPTIONAL FIELD: |${who}|${name}`);
  }
  if (active !== "" && active !== "Y" && active !== "N") {
    return err(`ACTIVE MUST BE Y OR N, THIS IS AN OPTIONAL FIELD: |${who}|${active}`);
  }
  if (dispo !== "" && dispo !== BLANK && (dispo.length < 3 || dispo.length > 65000)) {
    return err(`DISPO CALL URL IS NOT VALID, THIS IS AN OPTIONAL FIELD: |${who}|${dispo}`);
  }
  if (active === "" && name === "" && dispo === "") return loggedApiText(`NOTICE: ${FN} NO UPDATES DEFINED: |${who}|\n`);

  if (name !== "") camp.campaign_name = name;
  if (active !== "") camp.active = active as "Y" | "N";
  if (dispo !== "") camp.dispo_call_url = dispo === BLANK ? "" : dispo;
  return loggedApiText(`SUCCESS: ${FN} CAMPAIGN HAS BEEN UPDATED - ${who}|${cid}\n`);
}

import { z } from "zod";
import { reportText, runChecks } from "../domain/connectionCheck.js";
import { defineTool } from "./shared/define.js";
import { systemArg } from "./shared/schemas.js";

export const checkConnection = defineTool({
  name: "check_connection",
  title: "Check the VICIdial connection",
  description:
    "Check that this server can do its job on the configured VICIdial: version, login, each right it needs (update_alt_url, update_campaign, campaigns_list, the Alt URL admin page for deletes, the URL Log Report for list_url_deliveries), the campaigns it may reach and which are in ALT mode. Every problem comes with the admin setting that fixes it. Changes nothing. Call it first when something fails for no clear reason.",
  inputSchema: { system: systemArg },
  outputSchema: {
    ok: z.boolean().describe("True when every check passed"),
    vicidial_url: z.string().describe("The VICIdial web root in use"),
    user: z.string().describe("The API user"),
    version: z.string().nullable().describe("VICIdial's version, when it answered"),
    checks: z
      .array(
        z.object({
          name: z.string().describe("What was checked"),
          ok: z.boolean().describe("Passed"),
          detail: z.string().describe("What was found"),
          fix: z.string().optional().describe("How to fix it"),
        }),
      )
      .describe("Each check in order"),
    alt_mode: z
      .array(
        z.object({
          campaign_id: z.string().describe("Campaign"),
          alt: z.boolean().nullable().describe("Dispo URL in ALT mode; null when it could not be told"),
        }),
      )
      .describe("ALT mode of the visible campaigns"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const report = await runChecks(s, a.system);
    return { structured: { ...report }, text: reportText(report) };
  },
});

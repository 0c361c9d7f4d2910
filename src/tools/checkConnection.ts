import { z } from "zod";
import { allChecks, checkSystems, systemsReportText } from "../domain/systemsCheck.js";
import { defineTool } from "./shared/define.js";
import { systemArg } from "./shared/schemas.js";
import { named } from "./shared/shapeNames.js";

const checkSchema = named(
  "check",
  z.object({
    system: z.string().optional().describe("The system this check is about (when several were checked)"),
    name: z.string().describe("What was checked"),
    ok: z.boolean().describe("Passed"),
    detail: z.string().describe("What was found"),
    fix: z.string().optional().describe("How to fix it"),
  }),
);

const altModeSchema = z.array(
  named(
    "campaign_alt_mode",
    z.object({
      campaign_id: z.string().describe("Campaign"),
      alt: z.boolean().nullable().describe("Dispo URL in ALT mode; null when it could not be told"),
    }),
  ),
);

export const checkConnection = defineTool({
  name: "check_connection",
  title: "Check the VICIdial connection",
  description:
    "Check that this server can do its job on each configured VICIdial system (or the one named by system): version, login, each right it needs (update_alt_url, update_campaign, campaigns_list, the Alt URL admin page for deletes, the URL Log Report for list_url_deliveries), the campaigns it may reach and which are in ALT mode. Every problem comes with the admin setting that fixes it. Changes nothing. Call it first when something fails for no clear reason.",
  inputSchema: {
    system: systemArg.describe(
      "Check only this configured VICIdial system (see list_systems); leave out to check every system this server manages",
    ),
  },
  outputSchema: {
    ok: z.boolean().describe("True when every check passed (on every system checked)"),
    vicidial_url: z.string().describe("The VICIdial web root in use (one system checked)"),
    user: z.string().describe("The API user (one system checked)"),
    version: z.string().nullable().describe("VICIdial's version, when it answered (one system checked)"),
    checks: z.array(checkSchema).describe("Each check in order, of every system checked"),
    alt_mode: altModeSchema.describe("ALT mode of the visible campaigns (one system checked)"),
    systems: z
      .array(
        z.object({
          system: z.string().describe("The system's name"),
          ok: z.boolean().describe("True when every check of this system passed"),
          vicidial_url: z.string().describe("Its VICIdial web root"),
          user: z.string().describe("Its API user"),
          version: z.string().nullable().describe("Its VICIdial version, when it answered"),
          checks: z.array(checkSchema).describe("Its checks in order"),
          alt_mode: altModeSchema.describe("ALT mode of its visible campaigns"),
        }),
      )
      .describe("One report per system checked"),
  },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const report = await checkSystems(s, a.system);
    const text = systemsReportText(report, new Set(s.systems.names.filter((n) => s.systems.settings(n)?.sandbox)));
    const one = report.systems.length === 1 ? report.systems[0]! : null;
    if (one) return { structured: { ...one, systems: report.systems }, text };
    // Several systems: the top level holds what they share; each one's details are under systems.
    return { structured: { system: null, ok: report.ok, checks: allChecks(report), systems: report.systems }, text };
  },
});

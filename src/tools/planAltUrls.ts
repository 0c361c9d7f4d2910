/** plan_alt_urls: what applying a configuration document would change. */
import { loadDocument, planDocument } from "../domain/configPlan.js";
import { planText } from "../domain/configText.js";
import { allowCredentials, documentArg, planShape, problemsSchema } from "./shared/configSchemas.js";
import { defineTool } from "./shared/define.js";
import { warningsSchema } from "./shared/schemas.js";

export const planAltUrls = defineTool({
  name: "plan_alt_urls",
  title: "Plan a configuration document (show the drift)",
  description:
    "Compare a configuration document (YAML or JSON, as export_alt_urls writes it) with the Alt URLs VICIdial has now, and list what apply_alt_urls would do, row by row: create, update (each field before and after), delete (only in entries with prune: true) or unchanged. Rows are identified by entry, URL type and status set; entries the document does not name are not read. The whole document is checked first, exactly as set_alt_url checks values; an invalid one is INVALID_INPUT naming the path (entries[0].alt_urls[1].url). Returns plan_id, a digest of the document and of the live rows: give it to apply_alt_urls so nothing is applied if VICIdial changed since the plan was reviewed. Sends nothing but one listing per entry.",
  inputSchema: {
    document: documentArg,
    allow_credential_variables: allowCredentials,
  },
  outputSchema: { ...planShape, warnings: warningsSchema, problems: problemsSchema },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  write: false,
  async handler(a, { services: s }) {
    const doc = await loadDocument(s, a.document, { allowCredentialVariables: a.allow_credential_variables });
    const plan = await planDocument(s, doc);
    return { structured: { ...plan }, text: planText(plan) };
  },
});

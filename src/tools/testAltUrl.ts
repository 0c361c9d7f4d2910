/**
 * test_alt_url: fill an Alt URL's template variables from a sample lead and
 * request it once the way VICIdial would, so a person can see the target
 * answers before going live. The request itself is the prober's
 * (src/domain/prober.ts), fenced by the address policy.
 */
import { z } from "zod";
import { invalidInput, ToolError } from "../common/errors.js";
import { entryLabel } from "../common/model.js";
import { createAltUrlTester } from "../domain/prober.js";
import { checkTemplate, fillTemplate } from "../domain/templateVars.js";
import { prepareAltUrl } from "../domain/urlPolicy.js";
import { defineTool } from "./shared/define.js";
import { resolveEntry } from "./shared/entry.js";
import { withWarnings } from "./shared/format.js";
import { altUrlId, campaignId, entryType, sampleLead, systemArg, URL_MAX, urlType, warningsSchema } from "./shared/schemas.js";

const defaultTester = createAltUrlTester();

const NOTE =
  "VICIdial fetches Alt URLs from its own server and network, which may see a different answer (other DNS, firewalls, IP allow-lists at the target).";

// ---- the tool ---------------------------------------------------------------

export const testAltUrl = defineTool({
  name: "test_alt_url",
  title: "Test an Alt URL once",
  description:
    'Check that an Alt URL\'s target answers before going live ("point Alt URLs at active, accessible pages"): fills the template variables --A--name--B-- from sample_lead (URL-encoded as VICIdial does) and requests the URL once with GET, reporting the HTTP status, time, redirects, final address, certificate problems and the start of the answer. Give url, or campaign_id + url_type + id of a stored Alt URL. The target may record the request as a real event, so use test data. Only hosts allowed by VICIDIAL_ALLOWED_URL_HOSTS; private, loopback and other local addresses only with allow_private: true; redirects into such addresses are never followed. VICIdial fetches from its own network, which may see a different answer.',
  inputSchema: {
    system: systemArg,
    url: z
      .string()
      .max(URL_MAX)
      .optional()
      .describe(
        "The URL to test, template variables allowed, e.g. https://crm.example.com/hook?lead=--A--lead_id--B--. Leave out to test a stored Alt URL by campaign_id and id",
      ),
    campaign_id: campaignId
      .optional()
      .describe("With id: the campaign (or in-group or list, with entry_type) of the stored Alt URL to test"),
    entry_type: entryType,
    url_type: urlType,
    id: altUrlId.optional().describe("With campaign_id: the stored Alt URL to test (from list_alt_urls)"),
    sample_lead: sampleLead
      .optional()
      .describe(
        'Values for template variables, e.g. {"lead_id": 1001, "dispo": "SALE", "phone_number": "3125550100"}; variables without a value are sent empty, as VICIdial would',
      ),
    allow_private: z
      .boolean()
      .default(false)
      .describe("true: allow private, loopback and other local addresses (an internal server VICIdial reaches on its own network)"),
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(30_000)
      .default(10_000)
      .describe("Time limit for the whole test, redirects included, in ms (at most 30000)"),
  },
  outputSchema: {
    requested_url: z.string().describe("The URL as requested, variables filled"),
    status: z.number().nullable().describe("HTTP status of the last answer (null when no answer came)"),
    ok: z.boolean().describe("True when the final answer was 2xx"),
    time_ms: z.number().describe("Time taken, redirects included"),
    redirects: z
      .array(z.object({ status: z.number().describe("Redirect status"), location: z.string().describe("Where it pointed") }))
      .describe("Redirects, in order"),
    final_url: z.string().describe("The last URL requested"),
    address: z.string().nullable().describe("The IP address connected to for the last request"),
    tls_error: z.string().nullable().describe("A certificate problem in plain words, or null"),
    content_type: z.string().nullable().describe("Content-Type of the last answer"),
    body_preview: z.string().describe("The first 500 characters of the answer"),
    body_bytes: z.number().describe("Bytes of the answer read (at most 64 KB)"),
    body_truncated: z.boolean().describe("True when the answer was longer than what was read"),
    failure: z
      .enum(["TIMEOUT", "DNS_FAILED", "CONNECTION_REFUSED", "CONNECTION_FAILED", "TLS_ERROR", "REDIRECT_REFUSED", "TOO_MANY_REDIRECTS"])
      .nullable()
      .describe("Why no usable answer came, or null"),
    error_detail: z.string().nullable().describe("The failure in words"),
    stopped_at: z.string().nullable().describe("A redirect target that was not followed"),
    missing_variables: z.array(z.string()).describe("Template variables sample_lead gave no value for (sent empty)"),
    note: z.string().describe("Why VICIdial may see a different answer"),
    warnings: warningsSchema,
  },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  write: true,
  async handler(a, { services: s }) {
    const byId = a.campaign_id !== undefined || a.id !== undefined;
    if (a.url !== undefined && byId)
      throw invalidInput(
        "url",
        "was given together with campaign_id/id.",
        "Give either url, or campaign_id and id of a stored Alt URL, not both.",
      );
    if (a.url === undefined && !byId)
      throw invalidInput("url", "is missing.", "Give url, or campaign_id and id (from list_alt_urls) of a stored Alt URL.");
    if (byId && (a.campaign_id === undefined || a.id === undefined)) {
      const missing = a.campaign_id === undefined ? "campaign_id" : "id";
      throw invalidInput(missing, "is missing.", "To test a stored Alt URL give both campaign_id and id (from list_alt_urls).");
    }
    const warnings: string[] = [];
    let template = a.url ?? "";
    if (a.url === undefined) {
      const {
        sys,
        entry,
        warnings: found,
      } = await resolveEntry(s, { system: a.system, campaign_id: a.campaign_id!, entry_type: a.entry_type, url_type: a.url_type });
      warnings.push(...found);
      const rows = (await sys.storeFor(entry).list(entry, a.url_type)).rows;
      const row = rows.find((r) => r.id === a.id);
      if (!row) {
        throw new ToolError({
          code: "ALT_URL_NOT_FOUND",
          field: "id",
          message: `${entryLabel(entry)} has no ${a.url_type} Alt URL with id ${a.id}.`,
          cause: `Its ${a.url_type} Alt URLs have the ids ${rows.map((r) => r.id).join(", ") || "(none)"}. Nothing was requested.`,
          fix: `Call list_alt_urls for ${entryLabel(entry)} and use an id from its answer.`,
        });
      }
      template = row.url;
    }
    const policy = s.system(a.system).policy;
    const prepared = prepareAltUrl(template, policy, "url");
    warnings.push(...prepared.warnings, ...checkTemplate(prepared.url, { allowCredentialVariables: true }, "url").warnings);
    const filled = fillTemplate(prepared.url, a.sample_lead ?? {});
    try {
      new URL(filled.url);
    } catch {
      throw invalidInput(
        "sample_lead",
        `filling the variables gives "${filled.url}", which is not a valid address.`,
        "Check the values used in the host name or port.",
      );
    }
    const out = await defaultTester.check({
      url: filled.url,
      allowPrivate: a.allow_private,
      timeoutMs: a.timeout_ms,
      requireHttps: policy.requireHttps,
      allowedHosts: policy.allowedHosts,
    });
    if (filled.missing.length) warnings.push(`No sample value for ${filled.missing.join(", ")}: sent empty.`);
    const hops = out.redirects.length
      ? ` after ${out.redirects.length} redirect${out.redirects.length > 1 ? "s" : ""} (${out.redirects.map((r) => `${r.status} -> ${r.location}`).join(", ")})`
      : "";
    const head =
      out.status !== null && out.failure === null
        ? `${filled.url} answered HTTP ${out.status}${hops} in ${out.time_ms} ms${out.ok ? "." : ": not a success status, so the target probably did not accept it."}`
        : `${filled.url}: ${out.error_detail ?? "no answer"}${out.status !== null ? ` (last status ${out.status}${hops})` : ""} after ${out.time_ms} ms.`;
    const preview = out.body_preview ? `\nAnswer starts: ${out.body_preview.slice(0, 200).replace(/\s+/g, " ")}` : "";
    return {
      structured: { requested_url: filled.url, ...out, missing_variables: filled.missing, note: NOTE, warnings },
      text: withWarnings(`${head}${preview}\n${NOTE}`, warnings),
    };
  },
});

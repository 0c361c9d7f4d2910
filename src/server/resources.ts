/**
 * MCP resources: each campaign's Alt URLs (the list_alt_urls result as JSON)
 * and the reference of template variables, so a client can attach them to a
 * conversation without a tool call.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import type { Services } from "../domain/runtime.js";
import { CREDENTIAL_VARIABLES, VARIABLE_REFERENCE } from "../domain/templateVars.js";
import { readAltUrls } from "../domain/writeSteps.js";
import { ToolError } from "../shared/errors.js";
import { URL_TYPES, type UrlType } from "../shared/model.js";

export const ALT_URLS_TEMPLATE = "vicidial://campaigns/{campaign_id}/alt-urls/{url_type}";
export const URL_VARIABLES_URI = "vicidial://reference/url-variables";
const JSON_TYPE = "application/json";
/** Completion lists are cut at 100 by the SDK anyway. */
const MAX_COMPLETIONS = 100;

const INPUT_ERRORS = new Set(["INVALID_INPUT", "CAMPAIGN_NOT_FOUND", "CAMPAIGN_NOT_ALLOWED"]);

/** A resource read fails as a protocol error; keep the contract's message, fix and code. */
function asMcpError(s: Services, err: unknown): McpError {
  if (err instanceof McpError) return err;
  if (err instanceof ToolError) {
    const p = s.redactor.value(err.toPayload());
    return new McpError(
      INPUT_ERRORS.has(p.code) ? ErrorCode.InvalidParams : ErrorCode.InternalError,
      `${p.code}: ${p.message} Fix: ${p.fix}`,
      p,
    );
  }
  s.log.error(`resource read: ${(err as Error)?.stack ?? String(err)}`);
  return new McpError(ErrorCode.InternalError, s.redactor.text(`Could not read the resource: ${(err as Error)?.message ?? String(err)}`));
}

function one(v: string | string[] | undefined): string {
  return Array.isArray(v) ? (v[0] ?? "") : (v ?? "");
}

async function visibleIds(s: Services): Promise<string[]> {
  try {
    return (await s.campaigns.visible()).map((c) => c.campaign_id);
  } catch (err) {
    // Listing must not break resources/list for a client: the reference resource still works.
    s.log.warn(`could not list campaigns for resources: ${err instanceof ToolError ? `${err.code}: ${err.message}` : String(err)}`);
    return [];
  }
}

export const URL_VARIABLES_NOTE = [
  "## Template variables in Alt URLs",
  "",
  "Write a variable as `--A--name--B--` anywhere in an Alt URL, e.g. `https://crm.example.com/hook?lead=--A--lead_id--B--&status=--A--dispo--B--`. VICIdial replaces it (names are case-insensitive) just before it fetches the URL in the background.",
  "",
  "- **Encoding:** values are URL-encoded like PHP's `urlencode` (space becomes `+`, other characters `%XX`), so write the variable straight into the query without encoding it yourself.",
  "- **Unknown names** are not errors: they may be the label of a custom list field; a name that is neither stays empty.",
  `- **Credential variables** (${CREDENTIAL_VARIABLES.map((v) => `\`--A--${v}--B--\``).join(", ")}) put the agent's or phone's password into a URL that VICIdial fetches and stores in its logs. This server refuses them unless \`allow_credential_variables: true\` is given; prefer a token the target can check.`,
  "- A URL without `http://` or `https://` is treated by VICIdial as a path on its own web server.",
].join("\n");

export function registerResources(server: McpServer, s: Services): void {
  const completeCampaign = async (value: string): Promise<string[]> => {
    const prefix = value.toUpperCase();
    return (await visibleIds(s)).filter((id) => id.toUpperCase().startsWith(prefix)).slice(0, MAX_COMPLETIONS);
  };

  server.registerResource(
    "campaign-alt-urls",
    new ResourceTemplate(ALT_URLS_TEMPLATE, {
      // Listing costs one campaigns_list request; reading a row set costs one more, only when asked.
      list: async () => ({
        resources: (await visibleIds(s)).map((id) => ({
          uri: `vicidial://campaigns/${encodeURIComponent(id)}/alt-urls/dispo`,
          name: `campaign-${id}-dispo-alt-urls`,
          title: `Campaign ${id}: dispo Alt URLs`,
          mimeType: JSON_TYPE,
        })),
      }),
      complete: {
        campaign_id: completeCampaign,
        url_type: (value) => URL_TYPES.filter((t) => t.startsWith(value.toLowerCase())),
      },
    }),
    {
      title: "A campaign's Alt URLs",
      description:
        "The Alt URLs of one campaign and type (dispo, start or noagent) in firing order, as list_alt_urls returns them, as JSON. Listed for the dispo type of every campaign this server may reach; start and noagent can be read by URI.",
      mimeType: JSON_TYPE,
    },
    async (uri, variables) => {
      try {
        const campaign = decodeURIComponent(one(variables.campaign_id));
        const type = decodeURIComponent(one(variables.url_type));
        if (!/^[A-Za-z0-9_-]{2,8}$/.test(campaign)) {
          throw new ToolError({
            code: "INVALID_INPUT",
            field: "campaign_id",
            message: `"${campaign}" is not a campaign id.`,
            cause: "A campaign id is 2 to 8 letters, digits, - or _.",
            fix: "Use a URI such as vicidial://campaigns/2001/alt-urls/dispo, with an id from list_campaigns.",
          });
        }
        if (!(URL_TYPES as readonly string[]).includes(type)) {
          throw new ToolError({
            code: "INVALID_INPUT",
            field: "url_type",
            message: `"${type}" is not an Alt URL type.`,
            cause: `The type must be one of ${URL_TYPES.join(", ")}.`,
            fix: `Use a URI ending in /alt-urls/dispo (or /start, /noagent).`,
          });
        }
        const resolved = await s.campaigns.resolve(campaign);
        const read = await readAltUrls(s, resolved.id, type as UrlType);
        const body = {
          sandbox: s.sandbox,
          campaign_id: resolved.id,
          url_type: type,
          alt_urls: read.rows,
          warnings: [...resolved.warnings, ...read.warnings],
        };
        return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: s.redactor.text(JSON.stringify(body, null, 2)) }] };
      } catch (err) {
        throw asMcpError(s, err);
      }
    },
  );

  server.registerResource(
    "url-variables",
    URL_VARIABLES_URI,
    {
      title: "Alt URL template variables",
      description:
        "Every --A--name--B-- variable VICIdial fills in an Alt URL, grouped (lead, agent, call, disposition, custom), with notes on encoding and on the password variables this server refuses by default.",
      mimeType: JSON_TYPE,
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: JSON_TYPE,
          text: JSON.stringify(
            {
              syntax: "--A--name--B--",
              encoding: "Values are URL-encoded like PHP urlencode (space as +, others as %XX); do not encode them yourself.",
              credential_variables: CREDENTIAL_VARIABLES,
              note_markdown: URL_VARIABLES_NOTE,
              variables: VARIABLE_REFERENCE,
            },
            null,
            2,
          ),
        },
      ],
    }),
  );
}

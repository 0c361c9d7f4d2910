/**
 * MCP resources: each campaign's Alt URLs (the list_alt_urls result as JSON)
 * and the reference of template variables, so a client can attach them to a
 * conversation without a tool call.
 */
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../common/errors.js";
import { type EntryType, entryLabel, URL_TYPES_BY_ENTRY, type UrlType } from "../common/model.js";
import type { Services } from "../domain/runtime.js";
import { CREDENTIAL_VARIABLES, VARIABLE_REFERENCE } from "../domain/templateVars.js";

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

/** A system name as completions and listings use it: unknown or missing (no default) means none. */
function knownSystem(s: Services, name: string | undefined): string | null {
  const n = name || s.defaultSystem;
  return n && s.systems.has(n) ? n : null;
}

async function visibleIngroupIds(s: Services, system: string | undefined): Promise<string[]> {
  const name = knownSystem(s, system);
  if (name === null) return [];
  try {
    return (await s.system(name).entries.visibleIngroups()).map((g) => g.id);
  } catch (err) {
    s.log.warn(`could not list in-groups for resources: ${err instanceof ToolError ? `${err.code}: ${err.message}` : String(err)}`);
    return [];
  }
}

async function visibleIds(s: Services, system: string | undefined): Promise<string[]> {
  const name = knownSystem(s, system);
  if (name === null) return [];
  try {
    return (await s.system(name).entries.visibleCampaigns()).map((c) => c.campaign_id);
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

/** The three entry types under one URI scheme: vicidial://{campaigns|ingroups|lists}/{id}/alt-urls/{url_type}. */
const ENTRY_RESOURCES: { type: EntryType; segment: string; title: string; example: string }[] = [
  { type: "campaign", segment: "campaigns", title: "A campaign's Alt URLs", example: "vicidial://campaigns/2001/alt-urls/dispo" },
  { type: "ingroup", segment: "ingroups", title: "An in-group's Alt URLs", example: "vicidial://ingroups/SALESLINE/alt-urls/dispo" },
  { type: "list", segment: "lists", title: "A list's Alt URLs", example: "vicidial://lists/1001/alt-urls/noagent" },
];

/** The system names a completion offers for what was typed so far. */
export function completeSystems(s: Services, value: string): string[] {
  const prefix = value.toLowerCase();
  return s.systems.names.filter((n) => n.toLowerCase().startsWith(prefix)).slice(0, MAX_COMPLETIONS);
}

/** URI of an entry's Alt URLs; scoped to a system when the server has several. */
function entryUri(segment: string, id: string, urlType: string, system: string | null): string {
  const tail = `${segment}/${encodeURIComponent(id)}/alt-urls/${urlType}`;
  return system === null ? `vicidial://${tail}` : `vicidial://systems/${encodeURIComponent(system)}/${tail}`;
}

/**
 * One entry type's template. Unscoped (the contract's URI) it reads the
 * default system; scoped (`vicidial://systems/{system}/...`, registered when
 * there are several systems) the one named. Scoped templates are not listed:
 * listing them would connect every system; their variables complete instead.
 */
function registerEntryTemplate(server: McpServer, s: Services, r: (typeof ENTRY_RESOURCES)[number], scoped: boolean): void {
  const types = URL_TYPES_BY_ENTRY[r.type];
  const ids = (system: string | undefined) =>
    r.type === "campaign" ? visibleIds(s, system) : r.type === "ingroup" ? visibleIngroupIds(s, system) : Promise.resolve([]);
  const prefix = scoped ? "vicidial://systems/{system}/" : "vicidial://";
  const example = scoped ? r.example.replace("vicidial://", `vicidial://systems/${s.systems.names[0]}/`) : r.example;
  const defaultName = knownSystem(s, undefined);
  server.registerResource(
    scoped ? `system-${r.type}-alt-urls` : `${r.type}-alt-urls`,
    new ResourceTemplate(`${prefix}${r.segment}/{campaign_id}/alt-urls/{url_type}`, {
      // Listing costs one list request; reading a row set costs one more, only when asked. Lists cannot be listed.
      list:
        r.type === "list" || scoped || defaultName === null
          ? undefined
          : async () => ({
              resources: (await ids(undefined)).map((id) => ({
                uri: entryUri(r.segment, id, "dispo", null),
                name: `${r.type}-${id}-dispo-alt-urls`,
                title: `${entryLabel({ id, type: r.type })}: dispo Alt URLs`,
                mimeType: JSON_TYPE,
              })),
            }),
      complete: {
        ...(scoped ? { system: (value: string) => completeSystems(s, value) } : {}),
        campaign_id: async (value, context) => {
          const upper = value.toUpperCase();
          return (await ids(context?.arguments?.system)).filter((id) => id.toUpperCase().startsWith(upper)).slice(0, MAX_COMPLETIONS);
        },
        url_type: (value) => types.filter((t) => t.startsWith(value.toLowerCase())),
      },
    }),
    {
      title: scoped ? `${r.title}, on a named system` : r.title,
      description: `The Alt URLs of one ${r.type === "ingroup" ? "in-group" : r.type} and type (${types.join(", ")}) in firing order, as list_alt_urls returns them, as JSON${scoped ? ", on the system the URI names (list_systems shows them)" : s.systems.size > 1 ? ", on the default system" : ""}${r.type === "list" || scoped ? "" : "; listed for the dispo type of each one this server may reach, other types readable by URI"}. Example: ${example}.`,
      mimeType: JSON_TYPE,
    },
    async (uri, variables) => {
      try {
        const id = decodeURIComponent(one(variables.campaign_id));
        const type = decodeURIComponent(one(variables.url_type));
        const system = scoped ? decodeURIComponent(one(variables.system)) : undefined;
        if (!(types as readonly string[]).includes(type)) {
          throw new ToolError({
            code: "INVALID_INPUT",
            field: "url_type",
            message: `"${type}" is not an Alt URL type of a${r.type === "ingroup" ? "n in-group" : ` ${r.type}`}.`,
            cause: `The type must be one of ${types.join(", ")}.`,
            fix: `Use a URI such as ${example}.`,
          });
        }
        // Loaded with the first read: the tools' shared schemas are not needed before a call.
        const { resolveEntry } = await import("../tools/shared/entry.js");
        const { sys, entry, warnings } = await resolveEntry(s, { system, campaign_id: id, entry_type: r.type, url_type: type as UrlType });
        const read = await sys.storeFor(entry).list(entry, type as UrlType);
        const body = {
          sandbox: sys.settings.sandbox,
          system: sys.name,
          campaign_id: entry.id,
          entry_type: entry.type,
          url_type: type,
          alt_urls: read.rows,
          warnings: [...warnings, ...read.warnings],
        };
        return { contents: [{ uri: uri.href, mimeType: JSON_TYPE, text: s.redactor.text(JSON.stringify(body, null, 2)) }] };
      } catch (err) {
        throw asMcpError(s, err);
      }
    },
  );
}

export function registerResources(server: McpServer, s: Services): void {
  for (const r of ENTRY_RESOURCES) {
    registerEntryTemplate(server, s, r, false);
    if (s.systems.size > 1) registerEntryTemplate(server, s, r, true);
  }

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

/**
 * The configuration commands, for people and pipelines:
 *   export [--entry campaign:2001 ...] [--prune] [--system NAME]  the document on stdout
 *   plan FILE [--json]         the changes; exit 0 in sync, 2 drift, 1 error
 *   apply FILE [--yes] [--json] [--dry-run]
 *                              the plan, a question on a terminal (refused without one unless
 *                              --yes), then the apply; exit 0 when everything applied, 1 otherwise
 * FILE may be "-" for stdin. Not stdio MCP mode, so stdout carries the output.
 */
import { readFile } from "node:fs/promises";
import os from "node:os";
import { createInterface } from "node:readline/promises";
import { ToolError } from "../common/errors.js";
import { ENTRY_TYPES, type EntryType, URL_TYPES_BY_ENTRY, type UrlType } from "../common/model.js";
import { ConfigError } from "../config/env.js";
import { type ExportRequest, exportDocument } from "../domain/configExport.js";
import { applyDocument, loadDocument, type Plan, planDocument } from "../domain/configPlan.js";
import { applyText, planText } from "../domain/configText.js";
import { checkEntryId } from "../domain/entries.js";
import type { Services } from "../domain/runtime.js";

export const CONFIG_COMMANDS = ["export", "plan", "apply"] as const;

export interface ConfigCommand {
  kind: (typeof CONFIG_COMMANDS)[number];
  file: string | null;
  entries: ExportRequest[];
  system: string | undefined;
  prune: boolean;
  json: boolean;
  yes: boolean;
  dryRun: boolean;
  allowCredentialVariables: boolean;
}

/** Exit statuses of plan and apply (a pipeline's drift check reads them). */
export const EXIT = { inSync: 0, error: 1, drift: 2 } as const;

/** `TYPE:ID[:URL_TYPE]` or a bare campaign id. */
function parseEntry(spec: string): ExportRequest {
  const parts = spec.split(":");
  const [type, id, urlType] = parts.length === 1 ? ["campaign", parts[0]!, "dispo"] : [parts[0]!, parts[1] ?? "", parts[2] ?? "dispo"];
  if (!(ENTRY_TYPES as readonly string[]).includes(type) || parts.length > 3) {
    throw new ConfigError(
      "--entry",
      `"${spec}" is not TYPE:ID[:URL_TYPE] with TYPE one of ${ENTRY_TYPES.join(", ")} (e.g. campaign:2001, ingroup:SALESLINE:dispo)`,
    );
  }
  if (!(URL_TYPES_BY_ENTRY[type as EntryType] as readonly string[]).includes(urlType)) {
    throw new ConfigError("--entry", `"${spec}": a ${type} has the URL types ${URL_TYPES_BY_ENTRY[type as EntryType].join(", ")}`);
  }
  try {
    checkEntryId(id, type as EntryType, "--entry");
  } catch (err) {
    throw new ConfigError("--entry", err instanceof ToolError ? err.message.replace(/^--entry: /, "") : String(err));
  }
  return { campaign_id: id, entry_type: type as EntryType, url_type: urlType as UrlType };
}

/** The command line after the command's name; a bad one is a ConfigError naming the argument. */
export function parseConfigArgs(kind: ConfigCommand["kind"], argv: string[]): ConfigCommand {
  const cmd: ConfigCommand = {
    kind,
    file: null,
    entries: [],
    system: undefined,
    prune: false,
    json: false,
    yes: false,
    dryRun: false,
    allowCredentialVariables: false,
  };
  const flags: Record<string, (keyof ConfigCommand)[]> = {
    export: ["prune"],
    plan: ["json"],
    apply: ["json", "yes", "dryRun"],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ConfigError(a, "needs a value");
      return v;
    };
    const flag = a.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof ConfigCommand;
    if (kind === "export" && a === "--entry") cmd.entries.push(parseEntry(value()));
    else if (kind === "export" && a === "--system") cmd.system = value();
    else if (a === "--allow-credential-variables" && kind !== "export") cmd.allowCredentialVariables = true;
    else if (a.startsWith("--") && flags[kind]!.includes(flag)) (cmd as unknown as Record<string, boolean>)[flag] = true;
    else if (kind !== "export" && cmd.file === null && (a === "-" || !a.startsWith("-"))) cmd.file = a;
    else throw new ConfigError(a, `unknown argument for ${kind} (see --help)`);
  }
  if (kind !== "export" && cmd.file === null) throw new ConfigError(kind, 'needs the document\'s file (or "-" for stdin)');
  return cmd;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Ask the person at the terminal; null when there is no terminal to ask on. */
  ask: ((question: string) => Promise<boolean>) | null;
  readFile(file: string): Promise<string>;
}

/** The process's own terminal and files. */
export function processIo(services: Services): CliIo {
  const clean = (t: string) => services.redactor.text(t);
  return {
    out: (t) => process.stdout.write(`${clean(t)}\n`), // stdout-ok: the CLI commands are not stdio MCP mode
    err: (t) => process.stderr.write(`${clean(t)}\n`),
    ask: process.stdin.isTTY
      ? async (question) => {
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          try {
            return /^y(es)?$/i.test((await rl.question(question)).trim());
          } finally {
            rl.close();
          }
        }
      : null,
    readFile: async (file) => (file === "-" ? readStdin() : readFile(file, "utf8")),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function actor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return "cli";
  }
}

function errorLines(err: ToolError): string {
  const lines = [`Error ${err.code}: ${err.message}`, `Cause: ${err.reason}`, `Fix: ${err.fix}`];
  if (err.details?.text) lines.push(err.details.text);
  return lines.join("\n");
}

function planExit(plan: Plan): number {
  if (plan.entries.some((e) => !e.ok)) return EXIT.error;
  return plan.in_sync ? EXIT.inSync : EXIT.drift;
}

/** Run one command; resolves with the exit status. */
export async function runConfigCommand(cmd: ConfigCommand, s: Services, io: CliIo): Promise<number> {
  try {
    if (cmd.kind === "export") {
      const out = await exportDocument(s, { system: cmd.system, entries: cmd.entries.length ? cmd.entries : undefined, prune: cmd.prune });
      for (const w of out.warnings) io.err(`warning: ${w}`);
      io.out(out.document.replace(/\n$/, ""));
      return 0;
    }
    let text: string;
    try {
      text = await io.readFile(cmd.file!);
    } catch (err) {
      io.err(`Cannot read ${cmd.file}: ${(err as Error).message}`);
      return EXIT.error;
    }
    const doc = await loadDocument(s, text, { allowCredentialVariables: cmd.allowCredentialVariables });
    const plan = await planDocument(s, doc);
    if (cmd.kind === "plan") {
      io.out(cmd.json ? JSON.stringify(plan, null, 2) : planText(plan));
      return planExit(plan);
    }
    if (s.config.readOnly) {
      throw new ToolError({
        code: "READ_ONLY",
        message: "Not applied: this server runs in read-only mode (VICIDIAL_READ_ONLY=true). Nothing was sent.",
        cause: "Read-only mode allows plans and exports but no write.",
        fix: "Run apply with VICIDIAL_READ_ONLY=false (or unset), or use plan to check the document.",
      });
    }
    if (!cmd.json) io.out(planText(plan));
    if (plan.in_sync) {
      if (cmd.json) io.out(JSON.stringify({ plan, applied: false, ok: true }, null, 2));
      else io.out("Nothing to apply: VICIdial already matches the document.");
      return 0;
    }
    const writes = plan.summary.create + plan.summary.update + plan.summary.delete;
    if (!cmd.yes && !cmd.dryRun && writes > 0) {
      if (!io.ask) {
        io.err(
          "Not applied: there is no terminal to ask for confirmation on. Review the plan above, then run again with --yes to apply it.",
        );
        return EXIT.error;
      }
      const deletes = plan.summary.delete ? ` and DELETE ${plan.summary.delete} row${plan.summary.delete === 1 ? "" : "s"}` : "";
      if (!(await io.ask(`Apply ${writes} change${writes === 1 ? "" : "s"} to VICIdial${deletes}? Type "yes" to go ahead: `))) {
        io.err("Not applied: not confirmed. Nothing was sent.");
        return EXIT.error;
      }
    }
    // The plan the person saw: if VICIdial changed since, nothing is sent (PLAN_STALE).
    const result = await applyDocument(s, doc, {
      planId: plan.plan_id,
      dryRun: cmd.dryRun,
      caller: { tool: "apply_alt_urls", actor: actor() },
      confirm: async () => "confirmed",
      progress: async (n, total, m) => {
        if (total >= 10 && process.stderr.isTTY) io.err(`[${n}/${total}] ${m}`);
      },
    });
    io.out(cmd.json ? JSON.stringify(result, null, 2) : applyText(result));
    return result.ok ? 0 : EXIT.error;
  } catch (err) {
    if (!(err instanceof ToolError)) throw err;
    if (cmd.json) io.out(JSON.stringify({ error: err.toPayload(), ...err.details?.structured }, null, 2));
    io.err(errorLines(err));
    return EXIT.error;
  }
}

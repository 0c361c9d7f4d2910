#!/usr/bin/env node
/**
 * Entry point. `vicidial-alturl-mcp` runs the stdio server; `--http` the
 * Streamable HTTP server; `doctor` prints the connection report for a person.
 * With no VICIDIAL_URL everything runs on the embedded sandbox.
 */
import { createLogger, parseLogLevel } from "./common/log.js";
import { Redactor } from "./common/redact.js";
import { loadDotenvFile } from "./config/dotenvFile.js";
import { type Config, ConfigError, loadConfig, quotable } from "./config/env.js";
import { loadSystemsFile, SYSTEMS_FILE_VARIABLE, type SystemsFile } from "./config/systemsFile.js";
import { createServices, DEFAULT_SYSTEM, type Services } from "./domain/runtime.js";
import { UNSTARTED_SANDBOX } from "./domain/systems.js";
import type { ConfigCommand } from "./entry/configCli.js";
import type { SessionLimits } from "./entry/http.js";
import { lazySandboxes } from "./entry/lazySandboxes.js";
import { SERVER_NAME, SERVER_VERSION } from "./server/serverIdentity.js";
import { toolCatalogue } from "./server/toolCatalogue.js";
import { checkToolSelection } from "./server/toolSelection.js";

const HELP = `${SERVER_NAME} ${SERVER_VERSION}: MCP server for VICIdial Alt URLs

Usage:
  ${SERVER_NAME}                      stdio MCP server (for Claude Desktop, Cursor, VS Code, Inspector)
  ${SERVER_NAME} --http [--port N] [--host H]
                                      Streamable HTTP at http://H:N/mcp (default 127.0.0.1:3000;
                                      --port 0 picks a free port, the URL goes to stderr).
                                      MCP_HTTP_TOKEN, when set, is required as a bearer token;
                                      MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE require OAuth access
                                      tokens (scopes alturl:read, alturl:write, alturl:admin);
                                      a host beyond loopback refuses to start without either.
                                      One MCP session per client (Mcp-Session-Id), closed after
                                      MCP_HTTP_SESSION_IDLE_MS unused, at most MCP_HTTP_MAX_SESSIONS.
                                      Run one instance per VICIdial system, or several sharing
                                      VICIDIAL_COORDINATION_URL (Redis or Valkey) behind a load
                                      balancer that keeps each Mcp-Session-Id on one instance.
  ${SERVER_NAME} doctor [--system NAME]
                                      check the VICIdial connection and rights, for a person
                                      (every system of VICIDIAL_SYSTEMS_FILE, or the one named)
  ${SERVER_NAME} export [--entry TYPE:ID[:URL_TYPE] ...] [--prune] [--system NAME]
                                      print the Alt URLs as a configuration document (YAML);
                                      without --entry: every campaign's dispo rows
  ${SERVER_NAME} plan FILE [--json]   show what applying the document would change;
                                      exit 0 in sync, 2 drift, 1 error ("-" reads stdin)
  ${SERVER_NAME} apply FILE [--yes] [--dry-run] [--json]
                                      print the plan, ask (refused without a terminal unless
                                      --yes), apply it; exit 0 when all applied, 1 otherwise
  ${SERVER_NAME} --help | --version

Configuration: environment variables or a .env file (see .env.example).
Without VICIDIAL_URL the server runs on an embedded VICIdial sandbox.
VICIDIAL_SYSTEMS_FILE names a YAML or JSON file of several systems (see README).`;

interface Cli {
  mode: "stdio" | "http" | "doctor" | "help" | "version" | "config";
  port: number;
  host: string;
  config?: ConfigCommand;
  /** doctor --system NAME: check only that system. */
  system?: string;
}

/** The configuration commands, whose module is loaded only when one of them runs. */
const CONFIG_COMMANDS: readonly string[] = ["export", "plan", "apply"];

function parseArgs(argv: string[]): Cli {
  const cli: Cli = { mode: "stdio", port: 3000, host: "127.0.0.1" };
  if (CONFIG_COMMANDS.includes(argv[0] ?? "") && !argv.includes("--help")) return { ...cli, mode: "config" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new ConfigError(a, "needs a value");
      return v;
    };
    if (a === "doctor") cli.mode = "doctor";
    else if (a === "--http") cli.mode = "http";
    else if (a === "--help" || a === "-h") cli.mode = "help";
    else if (a === "--version" || a === "-v") cli.mode = "version";
    else if (a === "--port") {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) > 65535) throw new ConfigError("--port", `expected a port number, got "${v}"`);
      cli.port = Number(v);
    } else if (a === "--host") cli.host = value();
    else if (a === "--system") cli.system = value();
    else throw new ConfigError(quotable(a), `unknown argument (see --help)`);
  }
  return cli;
}

/**
 * How long a graceful stop (SIGTERM, SIGINT, stdin closed) waits for writes
 * already under way, so each one's outcome reaches the audit log before the
 * process exits. A write still running then keeps its PENDING line.
 */
const DRAIN_MS = 10_000;

interface Runtime {
  services: Services;
  sandboxInfo: { url: string; users: { user: string; pass: string; note?: string }[] } | null;
  /** The systems file in use, or null for the single-system variables. */
  systemsFile: string | null;
  close(): Promise<void>;
}

/**
 * `lazySandbox`: without VICIDIAL_URL, start the embedded sandbox on the first
 * call that needs it rather than before the server answers (a stdio client
 * waits for initialize and tools/list at every launch); otherwise its address
 * is known at start, for the person reading the banner.
 */
async function connect(cfg: Config, systems: SystemsFile | null, opts: { lazySandbox: boolean }): Promise<Runtime> {
  const logLevel = parseLogLevel(process.env.LOG_LEVEL);
  // Several instances: locks, login stop and rate limits shared through Redis or Valkey, loaded only then.
  const fleet = cfg.coordinationUrl
    ? await (await import("./domain/fleet/index.js")).startFleet({
        url: cfg.coordinationUrl,
        config: cfg,
        log: createLogger(new Redactor(), logLevel),
      })
    : null;
  if (systems) {
    // Nothing is connected or started here: each system on the first call that needs it.
    const { startSystems } = await import("./entry/systems.js");
    const rt = startSystems(cfg, systems, { logLevel, rateLimits: fleet?.rateLimits, systemDeps: fleet?.systemDeps });
    fleet?.useLogger(rt.services.log);
    for (const w of cfg.warnings) rt.services.log.warn(w);
    return {
      services: rt.services,
      sandboxInfo: null,
      systemsFile: systems.file,
      async close() {
        await rt.close();
        await fleet?.close().catch(() => {});
      },
    };
  }
  let baseUrl = cfg.vicidialUrl;
  let sandboxInfo: Runtime["sandboxInfo"] = null;
  let closeSandbox: () => Promise<void> = async () => {};
  let startLater: ((system: string) => Promise<string>) | undefined;
  if (baseUrl === null && opts.lazySandbox) {
    baseUrl = UNSTARTED_SANDBOX;
    const sandboxes = lazySandboxes({
      log: () => services.log,
      describe: (_system, url) =>
        `embedded VICIdial sandbox started at ${url} (not a real call centre); set VICIDIAL_URL to use a real VICIdial`,
    });
    startLater = sandboxes.start;
    closeSandbox = sandboxes.close;
  } else if (baseUrl === null) {
    // Loaded only when needed: a real deployment never pays for it at start.
    const { startSandbox } = await import("./sandbox/index.js");
    const sb = await startSandbox();
    baseUrl = sb.url;
    sandboxInfo = { url: sb.url, users: sb.users };
    closeSandbox = () => sb.close();
  }
  const services = createServices(cfg, baseUrl, {
    sandbox: sandboxInfo !== null || startLater !== undefined,
    startSandbox: startLater,
    logLevel,
    rateLimits: fleet?.rateLimits,
    systemDeps: fleet?.systemDeps,
  });
  fleet?.useLogger(services.log);
  for (const w of cfg.warnings) services.log.warn(w);
  return {
    services,
    sandboxInfo,
    systemsFile: null,
    async close() {
      // Writes in flight first: each finishes and records its outcome, within DRAIN_MS.
      const left = await services.drain(DRAIN_MS).catch(() => 0);
      if (left > 0) {
        services.log.warn(
          `stopping with ${left} write(s) still under way after ${DRAIN_MS / 1000} s: the audit log holds their PENDING intent line (outcome unknown); list the entries before writing again`,
        );
      }
      await services.close().catch(() => {});
      await fleet?.close().catch(() => {});
      await closeSandbox().catch(() => {});
    },
  };
}

async function banner(rt: Runtime, how: string): Promise<string> {
  const s = rt.services;
  const lines = [`${SERVER_NAME} ${SERVER_VERSION}: ${how}`];
  if (rt.systemsFile) {
    const { systemsBannerLines } = await import("./entry/systems.js");
    lines.push(...systemsBannerLines(s, rt.systemsFile));
  } else if (rt.sandboxInfo) {
    lines.push(`Using the embedded VICIdial SANDBOX at ${rt.sandboxInfo.url} (not a real call centre), as user ${s.config.user}.`);
    lines.push("Sandbox users: " + rt.sandboxInfo.users.map((u) => `${u.user}${u.note ? ` (${u.note})` : ""}`).join(", "));
    lines.push(
      "Log in as another sandbox user with VICIDIAL_USER and VICIDIAL_PASS (npm run sandbox lists their passwords); set VICIDIAL_URL too to use a real VICIdial.",
    );
  } else {
    lines.push(`Using VICIdial at ${s.system().connection.baseUrl} as user ${s.config.user}${s.config.readOnly ? " (read-only)" : ""}.`);
  }
  return lines.join("\n");
}

function sandboxNames(s: Services): Set<string> {
  return new Set(s.systems.names.filter((n) => s.systems.settings(n)?.sandbox));
}

async function runDoctor(rt: Runtime, system: string | undefined): Promise<number> {
  const { allChecks, checkSystems, systemsReportText } = await import("./domain/systemsCheck.js");
  const report = await checkSystems(rt.services, system);
  const checks = allChecks(report);
  const head = rt.sandboxInfo ? "(embedded sandbox: set VICIDIAL_URL to check a real VICIdial)\n" : "";
  const failed = checks.filter((c) => !c.ok);
  const where = report.systems.length > 1 ? ` (${[...new Set(failed.map((c) => c.system))].join(", ")})` : "";
  const again = `${SERVER_NAME} doctor${system !== undefined ? ` --system ${system}` : ""}`;
  const verdict = report.ok
    ? `All ${checks.length} checks passed: this server can manage Alt URLs ${report.systems.length > 1 ? `on all ${report.systems.length} systems` : "here"}.`
    : `${failed.length} of ${checks.length} checks failed${where}: apply each fix above, then run \`${again}\` again.`;
  process.stdout.write(head + rt.services.redactor.text(`${systemsReportText(report, sandboxNames(rt.services))}\n\n${verdict}`) + "\n"); // stdout-ok: doctor is for a person, not JSON-RPC
  return report.ok ? 0 : 1;
}

async function main(): Promise<void> {
  let cli: Cli;
  let cfg: Config;
  let systems: SystemsFile | null = null;
  let sessionLimits: SessionLimits | undefined;
  // export/plan/apply answer pipelines, where 2 means drift: a configuration error there is 1.
  const configStatus = CONFIG_COMMANDS.includes(process.argv[2] ?? "") ? 1 : 2;
  try {
    cli = parseArgs(process.argv.slice(2));
    if (cli.mode === "config") {
      const { parseConfigArgs } = await import("./entry/configCli.js");
      cli.config = parseConfigArgs(process.argv[2] as ConfigCommand["kind"], process.argv.slice(3));
    }
    if (cli.mode === "help" || cli.mode === "version") {
      process.stdout.write((cli.mode === "help" ? HELP : SERVER_VERSION) + "\n"); // stdout-ok: not in stdio mode
      return;
    }
    // Parsed by us, never by dotenv's config(), which may print to stdout (JSON-RPC's, in stdio mode).
    const dotenvWarnings = await loadDotenvFile();
    cfg = loadConfig(process.env);
    cfg.warnings.push(...dotenvWarnings);
    checkToolSelection(cfg.tools, await toolCatalogue());
    if (process.env[SYSTEMS_FILE_VARIABLE]?.trim()) {
      systems = await loadSystemsFile(process.env, cfg);
      cfg.warnings.push(...systems.warnings);
    }
    if (cli.system !== undefined) {
      if (cli.mode !== "doctor") throw new ConfigError("--system", "is an option of doctor only (tools take a system argument)");
      const names = systems?.systems.map((x) => x.name) ?? [DEFAULT_SYSTEM];
      if (!names.includes(cli.system))
        throw new ConfigError("--system", `"${quotable(cli.system)}" is not a configured system (${names.join(", ")})`);
    }
    // Checked before anything starts, so a refused --http leaves no sandbox or port behind.
    if (cli.mode === "http") {
      const { assertExposure, oauthSettingsFromEnv, resolveToken, sessionLimitsFromEnv } = await import("./entry/http.js");
      const oauth = oauthSettingsFromEnv(process.env);
      assertExposure(cli.host, resolveToken({}) !== "" || oauth !== null);
      sessionLimits = sessionLimitsFromEnv(process.env);
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${SERVER_NAME}: configuration error: ${err.message}\n`);
      process.exit(configStatus);
    }
    throw err;
  }
  const rt = await connect(cfg, systems, { lazySandbox: cli.mode === "stdio" && !process.stdin.isTTY });
  if (cli.mode === "config") {
    const { processIo, runConfigCommand } = await import("./entry/configCli.js");
    if (rt.sandboxInfo) process.stderr.write(`(embedded sandbox at ${rt.sandboxInfo.url}: set VICIDIAL_URL to use a real VICIdial)\n`);
    const code = await runConfigCommand(cli.config!, rt.services, processIo(rt.services)).catch((err: unknown) => {
      process.stderr.write(`${SERVER_NAME}: ${(err as Error)?.stack ?? String(err)}\n`);
      return 1;
    });
    await rt.close();
    process.exit(code);
  }
  if (cli.mode === "doctor") {
    const code = await runDoctor(rt, cli.system);
    await rt.close();
    process.exit(code);
  }
  if (cli.mode === "http") {
    const { runHttp } = await import("./entry/http.js");
    try {
      await runHttp(rt.services, {
        host: cli.host,
        port: cli.port,
        sessionLimits,
        banner: await banner(rt, "Streamable HTTP server"),
        coordinated: cfg.coordinationUrl !== null,
        // The hook for a graceful stop: called once no new request is taken, before the sessions end.
        onClose: () => rt.close(),
      });
    } catch (err) {
      // Port taken, address not on this machine, and the like: one line for a person, not a stack.
      const e = err as NodeJS.ErrnoException;
      const hint: Record<string, string> = {
        EADDRINUSE: "the port is in use; choose another with --port",
        EADDRNOTAVAIL: "this machine has no such address; check --host",
        EACCES: "permission denied; ports below 1024 need privileges",
      };
      const why =
        err instanceof ConfigError
          ? `configuration error: ${e.message}`
          : `cannot listen on ${cli.host}:${cli.port}: ${hint[e.code ?? ""] ?? e.message}`;
      process.stderr.write(`${SERVER_NAME}: ${why}\n`);
      await rt.close();
      process.exit(err instanceof ConfigError ? 2 : 1);
    }
    return;
  }
  const { runStdio } = await import("./entry/stdio.js");
  await runStdio({ services: rt.services, drainMs: DRAIN_MS, banner: () => banner(rt, "stdio MCP server"), close: () => rt.close() });
}

main().catch((err: unknown) => {
  process.stderr.write(`${SERVER_NAME}: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});

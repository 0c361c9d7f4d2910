#!/usr/bin/env node
/**
 * `npm run sandbox` / `node dist/sandbox/cli.js [--state FILE] [--port N] [--host H]`:
 * runs the VICIdial sandbox until Ctrl-C, with the default seed or the state
 * of FILE (a transcript's initial_state), and prints what is needed to try
 * it with curl. Its first lines on stdout name the web root (`web root: <url>`).
 */
import { readFileSync } from "node:fs";
import { controlHelp } from "./control.js";
import {
  ADMIN_PATH,
  API_PATH,
  defaultSeed,
  FIRE_DISPOSITION_PATH,
  REPORT_PATH,
  type SandboxSeed,
  StateFileError,
  seedFromTranscript,
  startSandbox,
} from "./index.js";

const USAGE = "usage: node dist/sandbox/cli.js [--state FILE] [--port N] [--host H]";

/** One line on stderr and exit status 2: a bad argument or state file. */
function refuse(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

interface CliOptions {
  port: number;
  host: string;
  stateFile?: string;
}

function parseArgs(argv: string[]): CliOptions {
  const opts: CliOptions = { port: 8089, host: "127.0.0.1" };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? refuse(`${flag} needs a value; ${USAGE}`);
    if (flag === "--port") {
      const v = value();
      opts.port = Number(v);
      if (!/^\d+$/.test(v) || opts.port > 65535) refuse(`--port: expected 0 to 65535, got "${v}"`);
    } else if (flag === "--host") {
      opts.host = value();
    } else if (flag === "--state") {
      opts.stateFile = value();
    } else if (flag === "--help" || flag === "-h") {
      process.stdout.write(`${USAGE}\n\n${controlHelp("http://HOST:PORT")}`);
      process.exit(0);
    } else {
      refuse(`unknown argument: ${arg}; ${USAGE}`);
    }
  }
  return opts;
}

/** The state of FILE, or one line naming what is wrong with it. */
function loadState(file: string): SandboxSeed {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return refuse(`--state ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return refuse(`--state ${file}: not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return seedFromTranscript(json);
  } catch (err) {
    if (err instanceof StateFileError) return refuse(`--state ${file}: ${err.message}`);
    throw err;
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map(
      (r) =>
        "  " +
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join("  ")
          .trimEnd(),
    )
    .join("\n");
}

function mode(url: string | undefined): string {
  if (!url) return "(none)";
  if (url.toUpperCase() === "ALT" || url.toUpperCase() === "CAMP") return url.toUpperCase();
  return "plain URL (not ALT)";
}

function describe(seed: SandboxSeed): string[] {
  const count = (id: string, entry: string) =>
    String(seed.vicidial_url_multi.filter((r) => r.entry_type === entry && r.campaign_id.toLowerCase() === id.toLowerCase()).length);
  const out = [
    "Campaigns:",
    table([
      ["campaign", "name", "group", "dispo URL", "Alt URLs"],
      ...seed.campaigns.map((c) => [
        c.campaign_id,
        c.campaign_name,
        c.user_group,
        mode(c.dispo_call_url),
        count(c.campaign_id, "campaign"),
      ]),
    ]),
  ];
  const groups = seed.inbound_groups ?? [];
  if (groups.length > 0) {
    out.push(
      "",
      "In-groups (admin page only):",
      table([
        ["in-group", "name", "active", "dispo URL", "Alt URLs"],
        ...groups.map((g) => [g.group_id, g.group_name ?? "", g.active ?? "Y", mode(g.dispo_call_url), count(g.group_id, "ingroup")]),
      ]),
    );
  }
  const lists = seed.lists ?? [];
  if (lists.length > 0) {
    out.push(
      "",
      "Lists (admin page only):",
      table([
        ["list", "name", "campaign", "no-agent URL", "Alt URLs"],
        ...lists.map((l) => [String(l.list_id), l.list_name, l.campaign_id, mode(l.na_call_url), count(String(l.list_id), "list")]),
      ]),
    );
  }
  const log = seed.vicidial_url_log ?? [];
  if (log.length > 0) {
    const days = [...new Set(log.map((r) => r.url_date.slice(0, 10)))].sort();
    out.push("", `URL log (URL Log Report only): ${log.length} rows, ${days[0]} to ${days[days.length - 1]}`);
  }
  return out;
}

async function main(): Promise<void> {
  const { port, host, stateFile } = parseArgs(process.argv.slice(2));
  const seed = stateFile === undefined ? defaultSeed() : loadState(stateFile);
  const sandbox = await startSandbox({ host, port, seed });
  const api = `${sandbox.url}${API_PATH}`;
  const admin = `${sandbox.url}${ADMIN_PATH}`;
  const report = `${sandbox.url}${REPORT_PATH}`;
  const fire = `${sandbox.url}${FIRE_DISPOSITION_PATH}`;
  const first = sandbox.users.find((u) => u.user_level >= 8 && u.active === "Y") ?? sandbox.users[0];
  const creds = first ? { user: first.user, pass: first.pass } : { user: "USER", pass: "PASS" };
  const campaignId = seed.campaigns[0]?.campaign_id ?? "ID";
  const listId = seed.lists?.find((l) => l.campaign_id === campaignId)?.list_id ?? 101;
  const saleCall = JSON.stringify({
    campaign_id: campaignId,
    status: "SALE",
    lead: { lead_id: 1234, list_id: listId, user: "agent01" },
    talk_sec: 60,
    dead_sec: 5,
    browser_fetches: false,
  });

  const users = table([
    ["user", "password", "level", "group", "what it is for"],
    ...sandbox.users.map((u) => [u.user, u.pass, String(u.user_level), u.user_group, u.note ?? ""]),
  ]);

  process.stdout.write(
    [
      "VICIdial 2.14 sandbox (fake data, not a real dialer)",
      "",
      `  web root:   ${sandbox.url}`,
      `  API:        ${api}`,
      `  admin page: ${admin}  (HTTP Basic auth)`,
      `  URL log:    ${report}  (HTTP Basic auth, level 7 and View Reports)`,
      `  state:      ${stateFile ?? "the default seed"}`,
      "",
      "Users:",
      users,
      "",
      ...describe(seed),
      "",
      "Try:",
      `  curl '${api}?source=test&user=${creds.user}&pass=${creds.pass}&function=campaigns_list&header=YES'`,
      `  curl -u ${creds.user}:${creds.pass} '${admin}?campaign_id=${campaignId}&entry_type=campaign&url_type=dispo'`,
      `  curl -g -u ${creds.user}:${creds.pass} '${report}?url_type[]=--ALL--&SUBMIT=SUBMIT&file_download=1'   (today's URL log rows as CSV)`,
      `  curl -X POST -H 'Content-Type: application/json' -d '${saleCall}' '${fire}'`,
      `    (queues campaign ${campaignId}'s matching Alt URLs; without browser_fetches:false the sandbox really fetches them)`,
      "",
      controlHelp(sandbox.url),
      "After a good login, ten failed logins lock the user until 15 minutes after that login, as on a real system.",
      "Press Ctrl-C to stop.",
      "",
    ].join("\n"),
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

#!/usr/bin/env node
/**
 * `npm run sandbox` / `node dist/sandbox/cli.js [--port N] [--host H]`:
 * runs the VICIdial sandbox with the default seed until Ctrl-C, and prints
 * what is needed to try it with curl.
 */
import { controlHelp } from "./control.js";
import { ADMIN_PATH, API_PATH, defaultSeed, FIRE_DISPOSITION_PATH, REPORT_PATH, startSandbox } from "./index.js";

function usage(message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  process.stderr.write("usage: node dist/sandbox/cli.js [--port N] [--host H]\n");
  process.stderr.write(`\n${controlHelp("http://HOST:PORT")}`);
  process.exit(2);
}

function parseArgs(argv: string[]): { port: number; host: string } {
  let port = 8089;
  let host = "127.0.0.1";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === "--port") {
      const v = value();
      port = Number(v);
      if (!/^\d+$/.test(v) || port > 65535) usage(`--port: expected 0 to 65535, got "${v}"`);
    } else if (flag === "--host") {
      host = value();
    } else if (flag === "--help" || flag === "-h") {
      usage();
    } else {
      usage(`unknown argument: ${arg}`);
    }
  }
  return { port, host };
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

async function main(): Promise<void> {
  const { port, host } = parseArgs(process.argv.slice(2));
  const seed = defaultSeed();
  const sandbox = await startSandbox({ host, port, seed });
  const api = `${sandbox.url}${API_PATH}`;
  const admin = `${sandbox.url}${ADMIN_PATH}`;
  const report = `${sandbox.url}${REPORT_PATH}`;
  const fire = `${sandbox.url}${FIRE_DISPOSITION_PATH}`;
  const saleCall =
    '{"campaign_id":"2001","status":"SALE","lead":{"lead_id":1234,"list_id":101,"user":"agent01"},"talk_sec":60,"dead_sec":5';

  const users = table([
    ["user", "password", "level", "group", "what it is for"],
    ...sandbox.users.map((u) => [u.user, u.pass, String(u.user_level), u.user_group, u.note ?? ""]),
  ]);
  const campaigns = table([
    ["campaign", "name", "group", "dispo URL", "Alt URLs"],
    ...seed.campaigns.map((c) => [
      c.campaign_id,
      c.campaign_name,
      c.user_group,
      c.dispo_call_url === "ALT" ? "ALT" : c.dispo_call_url === "" ? "(none)" : "plain URL (not ALT)",
      String(seed.vicidial_url_multi.filter((r) => r.campaign_id === c.campaign_id).length),
    ]),
  ]);

  process.stdout.write(
    [
      "VICIdial 2.14 sandbox (fake data, not a real dialer)",
      "",
      `  web root:   ${sandbox.url}`,
      `  API:        ${api}`,
      `  admin page: ${admin}  (HTTP Basic auth)`,
      `  URL log:    ${report}  (HTTP Basic auth, level 7 and View Reports)`,
      "",
      "Users:",
      users,
      "",
      "Campaigns:",
      campaigns,
      "",
      "Try:",
      `  curl '${api}?source=test&user=6666&pass=sandbox1234&function=update_alt_url&campaign_id=2001&entry_type=campaign&url_type=dispo&alt_url_id=LIST&header=YES'`,
      `  curl -u 6666:sandbox1234 '${admin}?action=URL_MULTI_DELETE&campaign_id=2001&entry_type=campaign&url_type=dispo&url_id=3'`,
      `  curl -g -u 6666:sandbox1234 '${report}?url_type[]=--ALL--&SUBMIT=SUBMIT&file_download=1'   (today's deliveries as CSV)`,
      `  curl -X POST -H 'Content-Type: application/json' -d '${saleCall},"browser_fetches":false}' '${fire}'`,
      "    (queues campaign 2001's matching Alt URLs; without browser_fetches:false the sandbox really fetches them)",
      "",
      controlHelp(sandbox.url),
      "Ten failed logins in 15 minutes lock a user for 15 minutes, as on a real system.",
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

#!/usr/bin/env node
/**
 * The sandbox for the deliveries benchmark, in its own process (VICIdial is
 * another machine; its CSV writing must not share the measured server's CPU
 * time slice nor the bench's event loop): the default call centre plus
 * campaign BENCH with 50 dispo Alt URLs, and one day (BENCH_DAY) of
 * BENCH_ROWS URL log rows filled from those templates (and a day a tenth that
 * size): mostly answered, some HTTP 500s, some never fetched, some from a URL
 * no row matches. Prints `web root: <url>` and `csv bytes: <big> <small>`
 * when ready.
 */
import { defaultSeed, startSandbox } from "../dist/sandbox/index.js";

const DAY = process.env.BENCH_DAY ?? "2026-11-20";
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
/** A day a tenth the size, to show that memory does not grow with the day's size. */
const SMALL_DAY = "2026-11-21";
export const BENCH_TEMPLATES = 50;

const seed = defaultSeed();
seed.campaigns.push({ ...seed.campaigns[0], campaign_id: "BENCH", campaign_name: "Bench", dispo_call_url: "ALT" });
const templates = [];
for (let i = 0; i < BENCH_TEMPLATES; i++) {
  const url = `https://crm${i % 5}.example.com/vicidial/hook${i}?lead_id=--A--lead_id--B--&status=--A--dispo--B--&agent=--A--user--B--&talk=--A--talk_time--B--&phone=--A--phone_number--B--`;
  templates.push(url);
  seed.vicidial_url_multi.push({
    url_id: 1000 + i,
    campaign_id: "BENCH",
    entry_type: "campaign",
    url_type: "dispo",
    active: "Y",
    url_rank: i + 1,
    url_statuses: i % 2 ? "SALE" : "---ALL---",
    url_description: `Bench hook ${i}`,
    url_lists: "",
    url_call_length: 0,
    url_address: url,
  });
}
seed.next_url_id = 2000;

const sandbox = await startSandbox({ seed });
const pad = (n) => String(n).padStart(2, "0");
const body = "x".repeat(60);

/** One day of `count` rows; returns the CSV's size in bytes. */
function addDay(day, count) {
  const rows = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const sec = Math.floor((i * 86_399) / count);
    const time = `${pad(Math.floor(sec / 3600))}:${pad(Math.floor(sec / 60) % 60)}:${pad(sec % 60)}`;
    const lead = 5_000_000 + i;
    const url =
      i % 20 === 19
        ? `https://retired.example.com/old-hook.php?lead=${lead}&status=SALE`
        : templates[i % BENCH_TEMPLATES]
            .replace("--A--lead_id--B--", String(lead))
            .replace("--A--dispo--B--", i % 3 ? "SALE" : "NI")
            .replace("--A--user--B--", `agent${i % 40}`)
            .replace("--A--talk_time--B--", String(i % 300))
            .replace("--A--phone_number--B--", String(3_125_550_000 + (i % 10_000)));
    const date = `Fri, 20 Nov 2026 ${time} -0500|`;
    const response =
      i % 20 === 7
        ? ""
        : i % 10 === 3
          ? `${date}PHP ERROR: Type=2 - Message=file(${url}): Failed to open stream: HTTP request failed! HTTP/1.1 500 Internal Server Error\r\n - Line=17131 - File=/srv/www/htdocs/agc/vdc_db_query.php`
          : `${date}{"status":"ok","lead":"${lead}","message":"${body}"}\n`;
    const row = {
      uniqueid: `${1795000000 + sec}.${i}`,
      url_date: `${day} ${time}`,
      url_type: "dispo",
      url,
      url_response: response,
      response_sec: i % 7,
    };
    rows.push(row);
    bytes += `"${row.uniqueid}","${row.url_date}","dispo","${row.response_sec}","${url}","${response}"\n`.length;
  }
  sandbox.addUrlLogRows(rows);
  return bytes;
}

const bytes = addDay(DAY, ROWS);
const smallBytes = addDay(SMALL_DAY, Math.round(ROWS / 10));
process.stdout.write(`web root: ${sandbox.url}\ncsv bytes: ${bytes} ${smallBytes}\n`);
process.on("SIGTERM", async () => {
  await sandbox.close();
  process.exit(0);
});

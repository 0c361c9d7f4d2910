/**
 * In-groups and lists in the default seed, reached the way VICIdial allows:
 * the admin page for their Alt URLs, ingroup_list for the in-groups. Also the
 * table's physical row order and the values strict SQL mode refuses.
 */
import { afterEach, describe, expect, it } from "vitest";
import { defaultSeed, type Sandbox, seedFromTranscript, startSandbox } from "../src/sandbox/index.js";
import { adminPageTranscript, differentialTranscript, urlLogTranscript, vicidialTranscript } from "./sandbox/fixtures.js";
import { pageContent, send } from "./sandbox/transcript.js";

const API = "/vicidial/non_agent_api.php";
const ADMIN = "/vicidial/admin_url_multi.php";
const Q6666 = "source=test&user=6666&pass=sandbox1234";

let open: Sandbox[] = [];
async function sandbox(): Promise<Sandbox> {
  const sb = await startSandbox();
  open.push(sb);
  return sb;
}
afterEach(async () => {
  await Promise.all(open.map((sb) => sb.close()));
  open = [];
});

const api = async (sb: Sandbox, query: string) => {
  const res = await fetch(`${sb.url}${API}?${query}`);
  return { status: res.status, body: await res.text() };
};
const admin = async (sb: Sandbox, query: string, user = "6666", pass = "sandbox1234") => {
  const res = await fetch(`${sb.url}${ADMIN}?${query}`, {
    headers: { Authorization: "Basic " + Buffer.from(`${user}:${pass}`).toString("base64") },
  });
  const body = await res.text();
  return { status: res.status, body, content: pageContent(body) ?? "" };
};
/** The url_id values of a listing, in listing order. */
const listedIds = (content: string) => [...content.matchAll(/name=url_id value="(\d+)"/g)].map((m) => Number(m[1]));
const rows = (sb: Sandbox) =>
  (JSON.parse(sb.dump()) as { vicidial_url_multi: { url_id: number; campaign_id: string; url_rank: number }[] }).vicidial_url_multi;

describe("default seed: in-groups and lists", () => {
  it("holds an ALT in-group with dispo and add-lead rows, a CAMP one, one without a dispo URL, an inactive one, and two lists", () => {
    const seed = defaultSeed();
    expect(seed.inbound_groups?.map((g) => [g.group_id, g.dispo_call_url, g.active])).toEqual([
      ["SUPPORT_IN", "", "Y"],
      ["SALESLINE", "ALT", "Y"],
      ["OVERFLOW", "CAMP", "Y"],
      ["OLDLINE", "ALT", "N"],
    ]);
    expect(seed.lists?.map((l) => [l.list_id, l.na_call_url])).toEqual([
      [101, "ALT"],
      [102, ""],
    ]);
    expect(seed.vicidial_url_multi.filter((r) => r.url_id > 100).map((r) => [r.url_id, r.campaign_id, r.entry_type, r.url_type])).toEqual([
      [101, "SALESLINE", "ingroup", "dispo"],
      [102, "SALESLINE", "ingroup", "dispo"],
      [103, "SALESLINE", "ingroup", "addlead"],
      [104, "101", "list", "noagent"],
    ]);
    expect(seed.user_groups.find((g) => g.user_group === "ADMIN")).toMatchObject({
      allowed_reports: "ALL REPORTS",
      admin_viewable_groups: " ---ALL---",
    });
  });

  it("lists each entry's rows on the admin page, and says which are not ALT", async () => {
    const sb = await sandbox();
    const dispo = await admin(sb, "campaign_id=SALESLINE&entry_type=ingroup&url_type=dispo");
    expect(dispo.body).toContain("<title>ADMINISTRATION: URL Multi Entry SALESLINE - Inbound sales</title>");
    expect(dispo.content).toContain(
      'Alternate Dispo Call URLs for ingroup: <a href="./admin.php?ADD=3111&group_id=SALESLINE">SALESLINE</a>',
    );
    expect(listedIds(dispo.content)).toEqual([101, 102]);
    expect(listedIds((await admin(sb, "campaign_id=SALESLINE&entry_type=ingroup&url_type=addlead")).content)).toEqual([103]);
    const list = await admin(sb, "campaign_id=101&entry_type=list&url_type=noagent");
    expect(list.content).toContain('Alternate No Agent Call URLs for list: <a href="./admin.php?ADD=311&list_id=101">101</a>');
    expect(listedIds(list.content)).toEqual([104]);
    for (const [id, type, urlType] of [
      ["OVERFLOW", "ingroup", "dispo"],
      ["SUPPORT_IN", "ingroup", "dispo"],
      ["102", "list", "noagent"],
    ]) {
      expect((await admin(sb, `campaign_id=${id}&entry_type=${type}&url_type=${urlType}`)).content).toBe(
        `This URL is not set ALT${type}|${urlType}|${urlType === "dispo" ? "Dispo Call" : "No Agent Call"}\n`,
      );
    }
    // The API looks every id up among campaigns, so it cannot reach them at all.
    expect(
      (await api(sb, `${Q6666}&function=update_alt_url&campaign_id=SALESLINE&entry_type=ingroup&url_type=dispo&alt_url_id=LIST`)).body,
    ).toBe("ERROR: update_alt_url CAMPAIGN DOES NOT EXIST: |6666|SALESLINE\n");
  });
});

describe("ingroup_list", () => {
  const block = (position: number, id: string, name: string) =>
    `<tr bgcolor="${position % 2 ? "#E6E6E6" : "#F6F6F6"}"><td width=30><font size=1 face="Arial,Helvetica">${position}</td>\n` +
    `<td colspan=2><a href="javascript:choose_file('${id}','');"><font size=2 face="Arial,Helvetica">${id}</a></td>\n` +
    `<td><font size=2 face="Arial,Helvetica">${name}</td>\n` +
    `<td bgcolor=""><font size=2 face="Arial,Helvetica"> &nbsp; &nbsp; &nbsp; &nbsp; </td></tr>\n`;

  it("is the HTML picker of the active in-groups, by id, limited to the group's admin viewable groups", async () => {
    const sb = await sandbox();
    const all = await fetch(`${sb.url}${API}?${Q6666}&function=ingroup_list`);
    expect(all.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const body = await all.text();
    expect(body.startsWith("\n<HTML><head><title>NON-AGENT API</title>\n")).toBe(true);
    const table = body.slice(body.indexOf("</tr>\n") + 6);
    expect(table).toBe(
      block(1, "OVERFLOW", "Overflow to campaign URLs") +
        block(2, "SALESLINE", "Inbound sales") +
        block(3, "SUPPORT_IN", "Support line") +
        "</table></div></body></HTML>\n",
    );
    // SALESTEAM sees its own in-groups and those of ---ALL---, not ADMIN's SUPPORT_IN.
    const sales = await (await fetch(`${sb.url}${API}?source=test&user=sales&pass=salespass&function=ingroup_list`)).text();
    expect(sales.match(/choose_file\('(\w+)'/g)).toEqual(["choose_file('OVERFLOW'", "choose_file('SALESLINE'"]);
  });

  it("needs the function allowed and level 7; API access is not checked", async () => {
    const sb = await sandbox();
    expect((await api(sb, "source=test&user=nofunc&pass=nofunc123&function=ingroup_list")).body).toBe(
      "ERROR: auth USER DOES NOT HAVE PERMISSION TO USE THIS FUNCTION: |nofunc|ingroup_list|\n",
    );
    expect((await api(sb, "source=test&user=noapi&pass=noapi1234&function=ingroup_list")).body).toContain("choose_file('SALESLINE'");
    expect((await api(sb, "source=test&user=apilow&pass=lowpass1&function=ingroup_list")).body).toContain("choose_file('SALESLINE'");
  });
});

describe("the table's physical order", () => {
  it("lists equal ranks in slot order: a new row takes a deleted row's place; ids are never reused", async () => {
    const sb = await sandbox();
    const base = "campaign_id=SALESLINE&entry_type=ingroup&url_type=dispo";
    const add = (desc: string) =>
      admin(
        sb,
        `${base}&action=URL_MULTI_NEW&active=N&url_rank=2&url_statuses=NI&url_description=${desc}&url_address=https://x.example.com/${desc}`,
      );
    expect((await add("first")).content).toContain("1 MULTI URL ADDED");
    expect(listedIds((await add("second")).content)).toEqual([101, 102, 105, 106]);
    expect((await admin(sb, `${base}&action=URL_MULTI_DELETE&url_id=102`)).content).toContain("1 MULTI URL DELETED (ID: 102)");
    // 107 takes 102's slot, before 105 and 106 of the same rank.
    expect(listedIds((await add("third")).content)).toEqual([101, 107, 105, 106]);
    await admin(sb, `${base}&action=URL_MULTI_DELETE&url_id=107`);
    expect(listedIds((await add("fourth")).content)).toEqual([101, 108, 105, 106]);
    // The API lists by id, whatever the slots.
    const listed = await api(
      sb,
      `${Q6666}&function=update_alt_url&campaign_id=2001&entry_type=campaign&url_type=dispo&alt_url_id=NEW&url_statuses=X`,
    );
    expect(listed.body).toBe("SUCCESS: update_alt_url ALT URL HAS BEEN ADDED - 6666|NEW URL ID: 109|dispo|campaign|2001\n");
  });
});

describe("values strict SQL mode refuses", () => {
  const NEW =
    "campaign_id=2001&entry_type=campaign&url_type=dispo&action=URL_MULTI_NEW&active=N&url_statuses=SALE&url_description=d&url_address=https://x.example.com/";

  it.each([
    ["a rank over 32767", "&url_rank=40000"],
    ["a rank like 5-", "&url_rank=5-"],
    ["active YES", "&url_rank=1&active=YES"],
    ["a description over 255 characters", `&url_rank=1&url_description=${"d".repeat(256)}`],
    ["statuses over 1000 characters", `&url_rank=1&url_statuses=${"S".repeat(1001)}`],
    // list_id is a number column, so 101AAA... finds list 101; the row's campaign_id column holds only 20.
    ["an id over 20 characters", `&url_rank=1&campaign_id=101${"A".repeat(20)}&entry_type=list&url_type=noagent`],
  ])("admin page NEW with %s stops after the header, writing nothing", async (_what, extra) => {
    const sb = await sandbox();
    const before = sb.dump();
    const r = await admin(sb, NEW + extra);
    expect([r.status, r.content]).toEqual([200, ""]);
    expect(r.body.endsWith("<TR><TD ALIGN=LEFT COLSPAN=2>\n")).toBe(true);
    expect(sb.dump()).toBe(before);
  });

  it("admin page MODIFY with a min length over 32767, or none, stops after the header", async () => {
    const sb = await sandbox();
    const before = sb.dump();
    const modify =
      "campaign_id=2001&entry_type=campaign&url_type=dispo&action=URL_MULTI_MODIFY&url_id=1&active=Y&url_rank=1&url_statuses=SALE&url_description=d&url_address=https://x.example.com/";
    expect((await admin(sb, `${modify}&url_call_length=40000`)).content).toBe("");
    expect((await admin(sb, modify)).content).toBe("");
    expect(sb.dump()).toBe(before);
  });

  it("the API answers HTTP 500 with an empty body for an id like 1A or a min length over 32767, and writes nothing", async () => {
    const sb = await sandbox();
    const before = sb.dump();
    const upd = `${Q6666}&function=update_alt_url&campaign_id=2001&entry_type=campaign&url_type=dispo`;
    expect(await api(sb, `${upd}&alt_url_id=1A&url_description=changed`)).toEqual({ status: 500, body: "" });
    expect(await api(sb, `${upd}&alt_url_id=1&url_call_length=40000`)).toEqual({ status: 500, body: "" });
    expect(await api(sb, `${upd}&alt_url_id=NEW&url_rank=99999`)).toEqual({ status: 500, body: "" });
    expect(sb.dump()).toBe(before);
    expect(rows(sb).find((r) => r.url_id === 1)?.url_rank).toBe(1);
  });
});

describe("requests beyond the ordinary", () => {
  it("answers a request line far over 16 KB", async () => {
    const sb = await sandbox();
    const url = `https://crm.example.com/long?x=${"a".repeat(30_000)}`;
    const r = await api(
      sb,
      `${Q6666}&function=update_alt_url&campaign_id=2001&entry_type=campaign&url_type=dispo&alt_url_id=1&url_address=${url}`,
    );
    expect(r.body).toBe("SUCCESS: update_alt_url ALT URL HAS BEEN UPDATED - 6666|1|dispo|campaign|2001\n");
  });

  it("hangs up on a request line with raw non-ASCII bytes, as the recorded server did", async () => {
    const sb = await sandbox();
    const r = await send(sb.url, { method: "GET", path: API, raw_query: "function=version&x=VENT\u00c3\u0089", basic_auth: null });
    expect([r.status, r.error]).toEqual([-1, "socket hang up"]);
  });

  it("answers HTTP 500 after the text when the request log cannot keep a POST's fields", async () => {
    const sb = await sandbox();
    const post = (body: string) =>
      fetch(`${sb.url}${API}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body }).then(
        async (res) => ({
          status: res.status,
          body: await res.text(),
        }),
      );
    const list = `${Q6666}&function=campaigns_list&campaign_id=2002`;
    const answer = "2002|Customer Care|Y|---ALL---|INBOUND_MAN|0|UP|NEW|45|9||\n";
    expect(await post(list)).toEqual({ status: 200, body: answer });
    expect(await post(`${list}&note=it's`)).toEqual({ status: 500, body: answer });
    expect(await post(`${list}&note=${"n".repeat(300)}`)).toEqual({ status: 500, body: answer });
    // A GET is logged as sent, percent-encoded: it always fits.
    expect(await api(sb, `${list}&note=it%27s${"n".repeat(300)}`)).toEqual({ status: 200, body: answer });
  });
});

describe("state files", () => {
  it("read every transcript's initial_state, and the default seed as it is", () => {
    for (const t of [adminPageTranscript(), differentialTranscript(), urlLogTranscript(), vicidialTranscript()]) {
      expect(seedFromTranscript(t.initial_state).users.length).toBeGreaterThan(2);
    }
    const log = seedFromTranscript(urlLogTranscript().initial_state).vicidial_url_log ?? [];
    expect(log.map((r) => r.url_log_id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seedFromTranscript(defaultSeed())).toEqual(defaultSeed());
  });
});

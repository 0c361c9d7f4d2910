import { describe, expect, it } from "vitest";
import { hostAllowed } from "../src/domain/hostPolicy.js";
import { prepareAltUrl, stripLikeVicidial, type UrlPolicy } from "../src/domain/urlPolicy.js";
import { refusal } from "./helpers/assertions.js";

const open: UrlPolicy = { requireHttps: false, allowedHosts: null };

describe("prepareAltUrl: accepted as is", () => {
  it.each([
    "https://crm.example.com/dispo?lead=--A--lead_id--B--&status=--A--dispo--B--",
    "http://10.0.0.5:8080/api/v1/sale?x=1&y=a+b",
    "https://crm.example.com",
    "https://crm.example.com/p?q=%2C%20already%20encoded",
    "https://--A--server_ip--B--/vicidial/x.php?lead=--A--lead_id--B--",
  ])("%s", (url) => {
    const r = prepareAltUrl(url, open);
    expect(r.url).toBe(url);
    expect(r.warnings).toEqual([]);
    expect(stripLikeVicidial(r.url)).toBe(r.url);
  });

  it("leaves template markers untouched", () => {
    expect(prepareAltUrl("https://x.example.com/a?id=--A--lead_id--B--", open).url).toBe("https://x.example.com/a?id=--A--lead_id--B--");
  });

  it("keeps + (VICIdial keeps it)", () => {
    expect(prepareAltUrl("https://x.example.com/a?q=a+b", open).url).toBe("https://x.example.com/a?q=a+b");
  });

  it("lower-cases the scheme with a warning", () => {
    const r = prepareAltUrl("HTTPS://x.example.com/a", open);
    expect(r.url).toBe("https://x.example.com/a");
    expect(r.warnings.join(" ")).toMatch(/lower case/);
  });

  it("trims surrounding spaces with a warning", () => {
    const r = prepareAltUrl("  https://x.example.com/a  ", open);
    expect(r.url).toBe("https://x.example.com/a");
    expect(r.warnings).toHaveLength(1);
  });
});

describe("prepareAltUrl: percent-encodes what VICIdial would strip", () => {
  it("encodes non-ASCII in the path and a space in the query (facts example)", () => {
    const r = prepareAltUrl("https://x.example.com/café?q=a b", open);
    expect(r.url).toBe("https://x.example.com/caf%C3%A9?q=a%20b");
    expect(r.warnings).toContain('encoded "é" as %C3%A9 in the path so VICIdial does not drop it');
    expect(r.warnings).toContain("encoded a space as %20 in the query so VICIdial does not drop it");
  });

  it("encodes a comma in the query, one warning per distinct character", () => {
    const r = prepareAltUrl("https://x.example.com/p?tags=a,b,c", open);
    expect(r.url).toBe("https://x.example.com/p?tags=a%2Cb%2Cc");
    expect(r.warnings).toEqual(['encoded "," as %2C in the query so VICIdial does not drop it']);
  });

  it("encodes every character of the facts page's stripped list", () => {
    const r = prepareAltUrl("https://x.example.com/p?a=,;()!*'~$[]{}|^`\"<>", open);
    expect(r.url).toBe("https://x.example.com/p?a=%2C%3B%28%29%21%2A%27%7E%24%5B%5D%7B%7D%7C%5E%60%22%3C%3E");
    expect(r.warnings).toHaveLength(19);
    expect(stripLikeVicidial(r.url)).toBe(r.url);
  });

  it("encodes an invalid % escape as %25", () => {
    expect(prepareAltUrl("https://x.example.com/p?a=%zz", open).url).toBe("https://x.example.com/p?a=%25zz");
    const r = prepareAltUrl("https://x.example.com/p?discount=50%", open);
    expect(r.url).toBe("https://x.example.com/p?discount=50%25");
    expect(r.warnings[0]).toMatch(/%25/);
  });

  it("keeps valid escapes (either hex case)", () => {
    expect(prepareAltUrl("https://x.example.com/p?a=%2c%2C%e9", open).url).toBe("https://x.example.com/p?a=%2c%2C%e9");
  });

  it("encodes emoji as its UTF-8 bytes", () => {
    expect(prepareAltUrl("https://x.example.com/😀", open).url).toBe("https://x.example.com/%F0%9F%98%80");
  });

  it("keeps the same query meaning", () => {
    const input = "https://x.example.com/p?name=José Pérez&note=a,b;c&pct=50%";
    const out = prepareAltUrl(input, open).url;
    expect([...new URL(out).searchParams]).toEqual([...new URL(input).searchParams]);
  });
});

describe("prepareAltUrl: refusals", () => {
  it("refuses a fragment and suggests the URL without it (facts example)", () => {
    const err = refusal(() => prepareAltUrl("https://x.example.com/p?a=1#frag", open));
    expect(err.field).toBe("url");
    expect(err.message).toMatch(/#/);
    expect(err.fix).toContain('"https://x.example.com/p?a=1"');
  });

  it("suggests an encoded URL when the rest also needs encoding", () => {
    const err = refusal(() => prepareAltUrl("https://x.example.com/p?a=1,2#top", open));
    expect(err.fix).toContain('"https://x.example.com/p?a=1%2C2"');
  });

  it.each([
    ["a line break", "https://x.example.com/p?a=1\nb=2"],
    ["a carriage return", "https://x.example.com/p\r"],
    ["a tab", "https://x.example.com/\tp"],
    ["a NUL", "https://x.example.com/p\u0000"],
    ["DEL", "https://x.example.com/p\u007F"],
  ])("refuses %s", (_what, url) => {
    const err = refusal(() => prepareAltUrl(url, open));
    expect(err.message).toMatch(/control characters/);
  });

  it("refuses a backslash and suggests a slash", () => {
    const err = refusal(() => prepareAltUrl("https://x.example.com\\p\\q", open));
    expect(err.fix).toContain('"https://x.example.com/p/q"');
  });

  it("refuses a leading VAR", () => {
    const err = refusal(() => prepareAltUrl("VARhttps://x.example.com/p?l=--A--lead_id--B--", open));
    expect(err.fix).toContain('"https://x.example.com/p?l=--A--lead_id--B--"');
  });

  it("refuses a URL without scheme, suggesting https://", () => {
    const err = refusal(() => prepareAltUrl("crm.example.com/dispo?x=1", open));
    expect(err.message).toMatch(/own web server/);
    expect(err.fix).toContain('"https://crm.example.com/dispo?x=1"');
  });

  it("refuses a bare path", () => {
    const err = refusal(() => prepareAltUrl("/crm/dispo.php", open));
    expect(err.fix).toContain("https://crm.example.com/crm/dispo.php");
  });

  it("refuses a missing slash", () => {
    expect(refusal(() => prepareAltUrl("https:/x.example.com/p", open)).fix).toContain('"https://x.example.com/p"');
  });

  it.each(["ftp://x.example.com/f", "javascript:alert(1)", "mailto:a@example.com"])("refuses other schemes: %s", (url) => {
    expect(refusal(() => prepareAltUrl(url, open)).message).toMatch(/http/);
  });

  it("refuses a password in the userinfo", () => {
    const err = refusal(() => prepareAltUrl("https://bob:secret@x.example.com/p", open));
    expect(err.message).toMatch(/password/);
    expect(err.fix).toContain('"https://x.example.com/p"');
    expect(err.fix).not.toContain("secret");
  });

  it.each([
    ["an encoded colon", "https://user%3As3cretpw@x.example.com/p?lead=1", "https://x.example.com/p?lead=1"],
    ["a token alone", "https://s3cretpw@x.example.com/p", "https://x.example.com/p"],
    ["a user name alone", "https://s3cretpw@x.example.com", "https://x.example.com"],
    ["an @ inside it", "https://s3cret@pw@x.example.com/", "https://x.example.com/"],
    ["an empty one", "https://@x.example.com/p", "https://x.example.com/p"],
  ])(
    "refuses any user information in an Alt URL (%s), suggests the URL without it and a token parameter, and never quotes it",
    (_what, url, without) => {
      const err = refusal(() => prepareAltUrl(url, open));
      expect(err.code).toBe("INVALID_INPUT");
      expect(err.message).toMatch(/user information/);
      expect(err.fix).toContain(`"${without}"`);
      expect(err.fix).toMatch(/token=/);
      expect(JSON.stringify(err.toPayload())).not.toContain("s3cret");
    },
  );

  it.each([
    "https://bob:s3cretpw@x.example.com/p#top",
    "https://s3cretpw@x.example.com/p#top",
    "https://s3cretpw@x.example.com/p\n",
    "s3cretpw@x.example.com/p",
    "bob:s3cretpw@x.example.com/p",
    "VARhttps://s3cretpw@x.example.com/p",
    "http://s3cretpw@x.example.com/p",
    "https://bob:s3cretpw@x.example.com/p\n",
    "https://bob:s3cretpw@x.example.com\\p",
    "VARhttps://bob:s3cretpw@x.example.com/p",
    "https:/bob:s3cretpw@x.example.com/p",
    "http://bob:s3cretpw@x.example.com/p",
  ])("never echoes a userinfo password: %s", (url) => {
    const err = refusal(() => prepareAltUrl(url, { requireHttps: true, allowedHosts: null }));
    expect(JSON.stringify(err.toPayload())).not.toContain("s3cretpw");
  });

  it("refuses IPv6 literals", () => {
    expect(refusal(() => prepareAltUrl("http://[::1]:8080/p", open)).message).toMatch(/IPv6/);
  });

  it("refuses an IDN host and suggests punycode", () => {
    const err = refusal(() => prepareAltUrl("https://bücher.example/p?q=1", open));
    expect(err.fix).toContain('"https://xn--bcher-kva.example/p?q=1"');
  });

  it("refuses host characters VICIdial would drop", () => {
    expect(refusal(() => prepareAltUrl("https://my_host.example.com/p", open)).message).toMatch(/"_"/);
  });

  it("refuses an empty host and a bad port", () => {
    refusal(() => prepareAltUrl("https:///p", open));
    expect(refusal(() => prepareAltUrl("https://x.example.com:99999/p", open)).fix).toContain('"https://x.example.com/p"');
    refusal(() => prepareAltUrl("https://x.example.com:8o/p", open));
  });

  it("refuses empty input", () => {
    refusal(() => prepareAltUrl("", open));
    refusal(() => prepareAltUrl("   ", open));
  });

  it("refuses a URL longer than 65000 characters", () => {
    const long = "https://x.example.com/?" + "a".repeat(65000);
    expect(refusal(() => prepareAltUrl(long, open)).message).toMatch(/65000/);
    const borderline = "https://x.example.com/?" + "a".repeat(65000 - 23);
    expect(prepareAltUrl(borderline, open).url).toHaveLength(65000);
  });

  it("names the field given", () => {
    expect(refusal(() => prepareAltUrl("nope", open, "preserve_url")).field).toBe("preserve_url");
  });
});

describe("prepareAltUrl: policy", () => {
  it("requireHttps refuses http:// and suggests https://", () => {
    const err = refusal(() => prepareAltUrl("http://x.example.com/p?a=b c", { requireHttps: true, allowedHosts: null }));
    expect(err.message).toMatch(/VICIDIAL_REQUIRE_HTTPS/);
    expect(err.fix).toContain('"https://x.example.com/p?a=b%20c"');
    expect(prepareAltUrl("https://x.example.com/p", { requireHttps: true, allowedHosts: null }).url).toBe("https://x.example.com/p");
  });

  it("allowedHosts refuses other hosts, naming the list", () => {
    const policy = { requireHttps: false, allowedHosts: ["crm.example.com", "*.hooks.example.net"] };
    expect(prepareAltUrl("https://CRM.example.com/p", policy).url).toBe("https://CRM.example.com/p");
    expect(prepareAltUrl("https://a.hooks.example.net/p", policy).url).toBe("https://a.hooks.example.net/p");
    const err = refusal(() => prepareAltUrl("https://evil.example.org/p", policy));
    expect(err.message).toContain("crm.example.com, *.hooks.example.net");
    expect(err.fix).toContain("evil.example.org");
  });

  it("allowedHosts refuses a host built from a template variable", () => {
    refusal(() => prepareAltUrl("https://--A--server_ip--B--/p", { requireHttps: false, allowedHosts: ["crm.example.com"] }));
  });
});

describe("hostAllowed", () => {
  it("null allows everything", () => expect(hostAllowed("anything.example", null)).toBe(true));
  it("matches exactly, ignoring case and a trailing dot", () => {
    expect(hostAllowed("CRM.Example.com.", ["crm.example.com"])).toBe(true);
    expect(hostAllowed("crm.example.com.evil.net", ["crm.example.com"])).toBe(false);
  });
  it("wildcards match sub-domains only", () => {
    expect(hostAllowed("a.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("a.b.example.com", ["*.example.com"])).toBe(true);
    expect(hostAllowed("example.com", ["*.example.com"])).toBe(false);
    expect(hostAllowed("badexample.com", ["*.example.com"])).toBe(false);
  });
  it("empty list allows nothing; * allows all", () => {
    expect(hostAllowed("a.example.com", [])).toBe(false);
    expect(hostAllowed("a.example.com", ["*"])).toBe(true);
  });
});

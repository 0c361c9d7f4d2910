/**
 * The prober behind test_alt_url (src/domain/prober.ts) and the address
 * policy it is fenced by (src/domain/addressPolicy.ts): DNS answers and
 * redirects into private networks, certificate problems, and which
 * addresses count as private.
 */
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyAddress, createAddressClassifier } from "../src/domain/addressPolicy.js";
import { createAltUrlTester } from "../src/domain/prober.js";
import { type Target, target } from "./helpers/webTarget.js";

describe("createAltUrlTester: DNS and redirects into private networks", () => {
  let publicSite: Target;
  let internal: Target;
  // 127.0.0.2 plays a public web server; 127.0.0.1 is the private network it must not lead into.
  const classify = (ip: string) => (ip === "127.0.0.2" ? null : classifyAddress(ip));
  const dns: Record<string, string> = {
    "crm.example.test": "127.0.0.2",
    "intranet.example.test": "10.1.2.3",
    "metadata.example.test": "169.254.169.254",
  };
  const lookups: string[] = [];
  const lookup = async (host: string) => {
    lookups.push(host);
    const address = dns[host];
    if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return [{ address, family: 4 }];
  };
  const tester = createAltUrlTester({ lookup, classify });
  const input = (url: string) => ({ url, allowPrivate: false, timeoutMs: 3000, requireHttps: false, allowedHosts: null });

  beforeAll(async () => {
    internal = await target("127.0.0.1", (_q, res) => res.writeHead(200).end("secret admin page"));
    publicSite = await target("127.0.0.2", (req, res) => {
      const redirect = (status: number, location: string): void => void res.writeHead(status, { location }).end();
      if (req.url === "/to-loopback") redirect(302, `http://127.0.0.1:${internal.port}/admin`);
      else if (req.url === "/to-intranet") redirect(302, "http://intranet.example.test/admin");
      else if (req.url === "/to-metadata") redirect(302, "http://169.254.169.254/latest/meta-data/");
      else if (req.url === "/to-metadata-name") redirect(302, "http://metadata.example.test/computeMetadata/v1/");
      else if (req.url === "/r1") redirect(302, "/r2");
      else if (req.url === "/r2") redirect(301, `http://crm.example.test:${publicSite.port}/ok`);
      else if (req.url === "/loop") redirect(302, "/loop");
      else res.writeHead(200).end("public hello");
    });
  });
  afterAll(async () => {
    await publicSite.close();
    await internal.close();
  });

  it("connects to the address it checked (the host name is never resolved again)", async () => {
    const r = await tester.check(input(`http://crm.example.test:${publicSite.port}/`));
    expect(r).toMatchObject({ status: 200, ok: true, address: "127.0.0.2", body_preview: "public hello" });
    expect(lookups).toContain("crm.example.test");
  });

  it("does not follow a redirect from a public host to a loopback address, and says where it stopped", async () => {
    const r = await tester.check(input(`http://crm.example.test:${publicSite.port}/to-loopback`));
    expect(r).toMatchObject({
      ok: false,
      status: 302,
      failure: "REDIRECT_REFUSED",
      final_url: `http://crm.example.test:${publicSite.port}/to-loopback`,
      stopped_at: `http://127.0.0.1:${internal.port}/admin`,
    });
    expect(r.error_detail).toContain("loopback");
    expect(internal.hits).toEqual([]);
  });

  it("does not follow a redirect to a host name that resolves to a private address", async () => {
    const r = await tester.check(input(`http://crm.example.test:${publicSite.port}/to-intranet`));
    expect(r).toMatchObject({ ok: false, failure: "REDIRECT_REFUSED", stopped_at: "http://intranet.example.test/admin" });
    expect(r.error_detail).toContain("10.1.2.3 (private)");
  });

  it("follows a redirect chain between public addresses, listing each hop", async () => {
    const site = `http://crm.example.test:${publicSite.port}`;
    const r = await tester.check(input(`${site}/r1`));
    expect(r).toMatchObject({
      status: 200,
      ok: true,
      final_url: `${site}/ok`,
      redirects: [
        { status: 302, location: `${site}/r2` },
        { status: 301, location: `${site}/ok` },
      ],
    });
  });

  it("stops after five redirects", async () => {
    const r = await tester.check(input(`http://crm.example.test:${publicSite.port}/loop`));
    expect(r).toMatchObject({ ok: false, failure: "TOO_MANY_REDIRECTS", status: 302 });
    expect(r.redirects).toHaveLength(6);
  });

  it.each([
    ["loopback", "/to-loopback", "loopback"],
    ["a private host name", "/to-intranet", "10.1.2.3 (private)"],
    ["the metadata address", "/to-metadata", "169.254.169.254 (link-local (the cloud metadata service))"],
    ["a name for the metadata address", "/to-metadata-name", "169.254.169.254"],
  ])("never follows a redirect into %s, even with allowPrivate", async (_what, path, why) => {
    const r = await tester.check({ ...input(`http://crm.example.test:${publicSite.port}${path}`), allowPrivate: true });
    expect(r).toMatchObject({
      ok: false,
      status: 302,
      failure: "REDIRECT_REFUSED",
      final_url: `http://crm.example.test:${publicSite.port}${path}`,
    });
    expect(r.error_detail).toContain(why);
    expect(r.error_detail).toContain("even with allow_private");
    expect(internal.hits).toEqual([]);
  });

  it("with allowPrivate, still reaches the private address the person named", async () => {
    const r = await tester.check({ ...input(`http://127.0.0.1:${internal.port}/admin`), allowPrivate: true });
    expect(r).toMatchObject({ ok: true, status: 200, body_preview: "secret admin page" });
    internal.hits.length = 0;
  });

  it("refuses a host with any private address among its addresses, and reports DNS failures as results", async () => {
    const mixed = createAltUrlTester({
      lookup: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "192.168.1.10", family: 4 },
      ],
    });
    await expect(mixed.check(input("http://mixed.example.test/"))).rejects.toMatchObject({ code: "INVALID_INPUT", field: "allow_private" });
    const r = await tester.check(input("http://nowhere.example.test/"));
    expect(r).toMatchObject({ ok: false, failure: "DNS_FAILED", status: null });
  });

  it("names a certificate problem plainly", async () => {
    const tls = createHttpsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, (_q, res) => res.writeHead(200).end("tls hello"));
    await new Promise<void>((r) => tls.listen(0, "127.0.0.1", r));
    try {
      const port = (tls.address() as AddressInfo).port;
      const r = await createAltUrlTester().check({ ...input(`https://127.0.0.1:${port}/`), allowPrivate: true });
      expect(r).toMatchObject({ ok: false, status: null, failure: "TLS_ERROR" });
      expect(r.tls_error).toContain("self-signed");
    } finally {
      tls.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
    }
  });

  it("classifies every kind of non-public address, IPv4 and IPv6", () => {
    const cases: [string, string | null][] = [
      ["127.0.0.1", "loopback"],
      ["10.0.0.1", "private"],
      ["172.16.5.4", "private"],
      ["172.32.0.1", null],
      ["192.168.0.1", "private"],
      ["169.254.169.254", "link-local (the cloud metadata service)"],
      ["169.254.1.1", "link-local"],
      ["100.64.0.1", "carrier-grade NAT (100.64.0.0/10)"],
      ["224.0.0.1", "multicast"],
      ["0.0.0.0", "unspecified (0.0.0.0/8)"],
      ["255.255.255.255", "reserved or broadcast"],
      ["93.184.216.34", null],
      ["8.8.8.8", null],
      ["::1", "loopback"],
      ["::", "unspecified (::)"],
      ["fe80::1", "link-local"],
      ["fd00::1", "unique-local"],
      ["ff02::1", "multicast"],
      ["::ffff:127.0.0.1", "IPv4-mapped (::ffff:0:0/96)"],
      ["::ffff:7f00:1", "IPv4-mapped (::ffff:0:0/96)"],
      ["2002:c0a8:101::1", "6to4 for a private IPv4 address"],
      ["2606:4700:4700::1111", null],
      ["fe80::1%eth0", "link-local"],
    ];
    for (const [ip, want] of cases) expect([ip, classifyAddress(ip)]).toEqual([ip, want]);
  });

  it("treats every address that is not globally reachable as private: documentation, benchmarking and IETF ranges, and IPv6 forms that carry IPv4", () => {
    const notGlobal = [
      // IPv4 documentation (TEST-NET-1, -2, -3), benchmarking, IETF protocol and former 6to4 relay blocks, reserved.
      "192.0.2.10",
      "198.51.100.7",
      "203.0.113.200",
      "198.18.0.1",
      "198.19.255.254",
      "192.0.0.8",
      "192.88.99.1",
      "240.0.0.1",
      // IPv6 documentation, discard, translation and tunnel forms that embed an IPv4 address.
      "2001:db8::1",
      "3fff::1",
      "100::1",
      "::ffff:93.184.216.34",
      "::ffff:10.0.0.1",
      "::10.0.0.1",
      "::7f00:1",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b::93.184.216.34",
      "64:ff9b:1::a00:1",
      "2001:0:4136:e378:8000:63bf:3fff:fdd2",
      "2001:2::1",
      "2002:7f00:1::1",
      "2002:a9fe:a9fe::1",
      "2002:c000:0201::1",
      "fec0::1",
      "5f00::1",
      "4000::1",
      "1::1",
    ];
    const leaked = notGlobal.filter((ip) => classifyAddress(ip) === null);
    expect(leaked).toEqual([]);
    // Global addresses stay global, 6to4 of a public IPv4 address included.
    for (const ip of ["2002:5db8:d822::1", "2a00:1450:4001:80b::200e", "1.1.1.1", "192.0.3.1", "198.20.0.1", "203.0.114.1"]) {
      expect([ip, classifyAddress(ip)]).toEqual([ip, null]);
    }
  });

  it("treats this machine's own interface addresses as private, public ones included", async () => {
    const machine = createAddressClassifier({
      interfaces: () => ({
        eth0: [
          { address: "93.184.216.34", netmask: "255.255.255.0", family: "IPv4", mac: "00:00:00:00:00:00", internal: false, cidr: null },
        ],
        eth1: [
          {
            address: "2606:4700:4700::1111",
            netmask: "ffff:ffff:ffff:ffff::",
            family: "IPv6",
            mac: "00:00:00:00:00:00",
            internal: false,
            cidr: null,
            scopeid: 0,
          },
        ],
      }),
    });
    expect(machine("93.184.216.34")).toBe("an address of this machine (interface eth0)");
    expect(machine("2606:4700:4700:0:0:0:0:1111")).toBe("an address of this machine (interface eth1)");
    expect(machine("93.184.216.35")).toBeNull();
    // The default classifier knows the real interfaces of the machine running this test.
    for (const info of Object.values(os.networkInterfaces()).flat())
      expect([info!.address, classifyAddress(info!.address)]).not.toContainEqual(null);
    // And the prober refuses such an address before connecting.
    const prober = createAltUrlTester({ lookup: async () => [{ address: "93.184.216.34", family: 4 }], classify: machine });
    await expect(prober.check(input("http://this-server.example.test/"))).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "allow_private",
    });
  });
});

/** A self-signed test certificate for 127.0.0.1 (no secret: it only serves this test). */
const SELF_SIGNED_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxHOJOf7GmSRZ161u
yBcCkIOHpq53CklMinxwTfkN3iihRANCAASSwyfLeTkopCrMUe30ipnYnLjNw/Gj
k96xjAhfYA8V0YWf/MYp7qWPZkioJFnmFoYBj2e4XOMpxWbFHyxEvAfF
-----END PRIVATE KEY-----`;
const SELF_SIGNED_CERT = `-----BEGIN CERTIFICATE-----
MIIBnDCCAUKgAwIBAgIUYWu3eADl/Fu5xPcJKafMWehwAOcwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPc2VsZnNpZ25lZC50ZXN0MCAXDTI2MTEyNzExMzUwN1oYDzIx
MjYxMTAzMTEzNTA3WjAaMRgwFgYDVQQDDA9zZWxmc2lnbmVkLnRlc3QwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAASSwyfLeTkopCrMUe30ipnYnLjNw/Gjk96xjAhf
YA8V0YWf/MYp7qWPZkioJFnmFoYBj2e4XOMpxWbFHyxEvAfFo2QwYjAdBgNVHQ4E
FgQUjypJlYLrRiR+jwgZpl8Z3pFiG6gwHwYDVR0jBBgwFoAUjypJlYLrRiR+jwgZ
pl8Z3pFiG6gwDwYDVR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqG
SM49BAMCA0gAMEUCIQDHbgnKS0zwKr0lsX4mYPH7uuVrp23vTM6Z8IWA19aTbgIg
dE3kZCpN2I58418Wtu9jgmDWsH4OIg1jdM+k6bLjbSs=
-----END CERTIFICATE-----`;

/**
 * Issue 8 item 6: two --http instances behind one load balancer could create
 * two rows for one status set, because instances on their own share neither
 * their write locks nor their stop after a failed login. The README and
 * --help say plainly to run one instance per VICIdial system unless the
 * instances share a coordination server (VICIDIAL_COORDINATION_URL), and why.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/harness.js";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("one instance per VICIdial system", () => {
  it("the README says so, and why: without a coordination server, write locks and the login stop are per instance", () => {
    const at = readme.indexOf("**Without `VICIDIAL_COORDINATION_URL`, run one instance per VICIdial system**");
    expect(at).toBeGreaterThan(0);
    const why = readme.slice(at, readme.indexOf("\n\n", at));
    expect(why).toMatch(/write locks/);
    expect(why).toMatch(/two rows/);
    expect(why).toMatch(/failed login/);
  });

  it("--help says so too", async () => {
    const r = await runCli(["--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout.replace(/\s+/g, " ")).toContain("Run one instance per VICIdial system, or several sharing VICIDIAL_COORDINATION_URL");
  });
});

/**
 * Issue 8 item 6: two --http instances behind one load balancer could create
 * two rows for one status set, because instances share neither their write
 * locks nor their stop after a failed login. Until they can, the README and
 * --help say plainly to run one instance per VICIdial system, and why; the
 * README no longer advertises several instances behind a load balancer.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli } from "./helpers/harness.js";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("one instance per VICIdial system", () => {
  it("the README says so, and why: write locks and the login stop are per instance", () => {
    const at = readme.indexOf("**Run one instance per VICIdial system.**");
    expect(at).toBeGreaterThan(0);
    const why = readme.slice(at, readme.indexOf("\n\n", at));
    expect(why).toMatch(/write locks/);
    expect(why).toMatch(/two rows/);
    expect(why).toMatch(/failed login/);
    expect(readme).not.toMatch(/several (copies|instances) behind a load balancer(?! would)/i);
  });

  it("--help says so too", async () => {
    const r = await runCli(["--help"], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Run one instance per VICIdial system.");
  });
});

/**
 * Embedded sandboxes started by the first call that needs one (a system
 * whose baseUrl is UNSTARTED_SANDBOX; its connection asks once), the sandbox
 * code loaded only then, all closed together at the stop. None is started
 * once the stop has begun.
 */
import type { Logger } from "../common/log.js";

export interface LazySandboxes {
  /** Start one for this system; resolves with its web root. */
  start(system: string): Promise<string>;
  close(): Promise<void>;
}

export function lazySandboxes(opts: {
  /** The services' logger (created after this). */
  log: () => Logger;
  /** The stderr line saying where the system's sandbox runs. */
  describe: (system: string, url: string) => string;
}): LazySandboxes {
  const started: Promise<{ close(): Promise<void> }>[] = [];
  let closed = false;
  return {
    async start(system) {
      if (closed) throw new Error("the server is stopping");
      const sb = import("../sandbox/index.js").then(({ startSandbox }) => startSandbox());
      started.push(sb);
      const { url } = await sb;
      opts.log().info(opts.describe(system, url));
      return url;
    },
    async close() {
      closed = true;
      await Promise.all(started.map((p) => p.then((sb) => sb.close()).catch(() => {})));
    },
  };
}

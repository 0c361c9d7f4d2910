/**
 * A real redis-server (or valkey-server) on loopback for the coordination
 * tests, found on PATH. Without one, those tests cannot run: outside CI they
 * are skipped and a banner names each of them; under CI (the CI variable,
 * which .ci/run sets after installing Debian's redis-server) a missing server
 * fails the run instead, so a green CI always means they ran.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import net from "node:net";
import { Redis } from "ioredis";

/** The server binary: $REDIS_SERVER (a path, or "none" to see what a machine without it does), else the one on PATH, or null. */
export function findRedisServer(): string | null {
  const chosen = process.env.REDIS_SERVER?.trim();
  if (chosen) return chosen === "none" ? null : chosen;
  for (const name of ["redis-server", "valkey-server"]) {
    try {
      const found = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (found) return found;
    } catch {
      /* not on PATH */
    }
  }
  return null;
}

export const REDIS_SERVER = findRedisServer();

/**
 * Call at the top of a test file that needs redis-server, with the names of
 * its tests: true when they can run. Without a server: under CI it throws
 * (the file fails); otherwise it prints which tests it could not run.
 */
export function redisAvailable(file: string, tests: string[]): boolean {
  if (REDIS_SERVER) return true;
  const list = tests.map((t) => `  - ${t}`).join("\n");
  if (process.env.CI) {
    throw new Error(
      `${file}: redis-server is not on PATH, and under CI these tests must run:\n${list}\n.ci/run installs it (apt-get install redis-server).`,
    );
  }
  process.stderr.write(
    `\n${"!".repeat(78)}\n${file}: redis-server is NOT on PATH, so these tests did NOT run (skipped):\n${list}\n` +
      `Install it (Debian: apt-get install redis-server) to run them; under CI they fail instead.\n${"!".repeat(78)}\n\n`,
  );
  return false;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  /** Ends the server at once (SIGKILL), as a crash or a lost network would. */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  restart(): Promise<void>;
  /** A plain client, for looking at keys. */
  client(): Redis;
  stop(): Promise<void>;
}

async function waitForPing(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") return;
    } catch {
      if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
}

/** Starts redis-server on a free loopback port, without persistence. */
export async function startRedis(): Promise<RedisServer> {
  if (!REDIS_SERVER) throw new Error("redis-server is not on PATH");
  const port = await freePort();
  let child: ChildProcess | null = null;
  const clients: Redis[] = [];
  const launch = async () => {
    child = spawn(
      REDIS_SERVER!,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
      {
        stdio: "ignore",
      },
    );
    await waitForPing(port, 10_000);
  };
  const kill = async () => {
    const c = child as ChildProcess | null;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
    child = null;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    restart: launch,
    client() {
      const c = new Redis({ port, host: "127.0.0.1", maxRetriesPerRequest: 1 });
      c.on("error", () => {});
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.disconnect();
      await kill();
    },
  };
}

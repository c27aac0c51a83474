/**
 * `tricolor serve [--port N] [--host H]`: the browser page (dist/web, built
 * by `npm run build` and shipped in the package) over HTTP, with what it
 * needs to be cross-origin isolated — COOP `same-origin` and COEP
 * `require-corp` on every response — so the page gets shared memory (pause
 * and step) and the finer clock, and `.wasm` as `application/wasm`.
 *
 * A small static server on node:http: GET and HEAD of files under the
 * folder, nothing else; a path that leaves the folder is refused. It listens
 * on 127.0.0.1 unless told otherwise: a teaching tool, not a public server.
 */
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import type { AddressInfo } from "node:net";
import { InvalidArgumentError, type Command } from "commander";
import { packageRoot } from "../node/package-root.js";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".map": "application/json",
  ".txt": "text/plain; charset=utf-8",
};

/** Sent with every response: cross-origin isolation, and no caching of a page that changes with each build. */
export const ISOLATION_HEADERS: Record<string, string> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
  "Cache-Control": "no-cache",
};

/** The built page's folder in this package. */
export function pageDir(): string {
  return join(packageRoot(), "dist", "web");
}

/** The file a request path names inside `root`, or null when it leaves the folder or names nothing. */
function fileFor(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split("?")[0]!.split("#")[0]!);
  } catch {
    return null;
  }
  const file = resolve(root, `.${path}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  if (!existsSync(file)) return null;
  if (statSync(file).isDirectory()) {
    const index = join(file, "index.html");
    return existsSync(index) ? index : null;
  }
  return file;
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...ISOLATION_HEADERS, "Content-Type": "text/plain; charset=utf-8" });
  res.end(text);
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== "GET" && req.method !== "HEAD") return reply(res, 405, "only GET and HEAD\n");
  const file = fileFor(root, req.url ?? "/");
  if (!file) return reply(res, 404, "not found\n");
  res.writeHead(200, { ...ISOLATION_HEADERS, "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream", "Content-Length": statSync(file).size });
  if (req.method === "HEAD") return void res.end();
  createReadStream(file).pipe(res);
}

/** Serves `dir` on `host`:`port` (0: any free port); resolves once listening. */
export function serveDirectory(dir: string, port: number, host = "127.0.0.1"): Promise<Server> {
  const root = resolve(dir);
  const server = createServer((req, res) => handle(root, req, res));
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => ok(server));
  });
}

/** The URL a listening server is reachable at. */
export function serverUrl(server: Server): string {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(":") ? `[${address}]` : address}:${port}/`;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be a port number from 0 to 65535 (0: any free one), got "${v}"`);
  return n;
}

export function serveCommand(program: Command): void {
  program
    .command("serve")
    .description("serve the browser page (watch a heap being collected) with cross-origin isolation")
    .option("--port <n>", "port to listen on (0: any free one)", parsePort, 8080)
    .option("--host <address>", "address to listen on", "127.0.0.1")
    .action(async (flags: { port: number; host: string }, cmd: Command) => {
      const dir = pageDir();
      if (!existsSync(join(dir, "index.html"))) {
        cmd.error(`error: the page is not built (no ${join(dir, "index.html")}): run \`npm run build:web\` in the tricolor checkout`, { exitCode: 1 });
      }
      let server: Server;
      try {
        server = await serveDirectory(dir, flags.port, flags.host);
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        const why = e.code === "EADDRINUSE" ? `port ${flags.port} is in use (--port 0 picks a free one)` : e.message;
        cmd.error(`error: cannot listen on ${flags.host}:${flags.port}: ${why}`, { exitCode: 1 });
      }
      process.stdout.write(`tricolor: serving the page at ${serverUrl(server)} (cross-origin isolated); Ctrl-C stops\n`);
      const close = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
      };
      process.once("SIGINT", close);
      process.once("SIGTERM", close);
    });
}

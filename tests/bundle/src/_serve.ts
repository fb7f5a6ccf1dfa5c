import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A static server on the loopback interface and the requests it answered. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every request, as `<status> <path>`, in order. */
  readonly log: string[];
  close(): Promise<void>;
}

/**
 * Serves the files under `root` on 127.0.0.1 and a free port (JavaScript with a JavaScript MIME
 * type, as module workers require); anything else is a 404.
 */
export async function serveStatic(root: string): Promise<StaticServer> {
  const log: string[] = [];
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rel = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    const file = join(root, rel === '' ? 'index.html' : rel);
    const ok = file.startsWith(root + sep) && existsSync(file) && statSync(file).isFile();
    log.push(`${ok ? 200 : 404} ${pathname}`);
    if (!ok) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** A running static server and its base URL (`http://127.0.0.1:<port>`). */
export interface StaticServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Options of {@link serveStatic}. */
export interface ServeOptions {
  /** Headers sent with every response, pages, scripts and 404s alike (a Content-Security-Policy). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Receives the parsed JSON body of every POST to {@link REPORT_PATH}: the violation reports a
   * policy with `report-uri /csp-report` makes the browser send, from the page and its workers.
   */
  readonly onReport?: (report: unknown) => void;
}

/** Where the server takes violation reports (POST, JSON) when `onReport` is set. */
export const REPORT_PATH = '/csp-report';

/**
 * Serves a built static site from `root` on a free localhost port, resolving `/a` to `a`,
 * `a.html` or `a/index.html` as static hosts do, and answering 404 with the site's 404.html.
 */
export async function serveStatic(root: string, options: ServeOptions = {}): Promise<StaticServer> {
  const headers = options.headers ?? {};
  const resolve = (pathname: string): string | undefined => {
    const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    const base = join(root, rel);
    if (!base.startsWith(root + sep) && base !== root) return undefined;
    for (const candidate of [base, `${base}.html`, join(base, 'index.html')]) {
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
    return undefined;
  };
  const server: Server = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'POST' && pathname === REPORT_PATH && options.onReport !== undefined) {
      const onReport = options.onReport;
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let report: unknown;
        try {
          report = JSON.parse(text);
        } catch {
          report = text; // not JSON: passed on as it came, for the test to show
        }
        onReport(report);
        res.writeHead(204).end();
      });
      return;
    }
    const file = resolve(pathname);
    if (file === undefined) {
      const notFound = join(root, '404.html');
      res.writeHead(404, { ...headers, 'content-type': TYPES['.html'] });
      if (existsSync(notFound)) createReadStream(notFound).pipe(res);
      else res.end('not found');
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok, fail) => server.close((e) => (e ? fail(e) : ok()))),
  };
}

/**
 * Checks a `--queue` value: `redis://[USER:PASSWORD@]HOST[:PORT][/DB]` (or `rediss://` for
 * TLS).
 *
 * @returns the URL as given
 * @throws {Error} naming what is wrong with it
 */
export function parseRedisUrl(text: string): string {
  const expected = 'expected redis://HOST:PORT[/DB] (or rediss:// for TLS)';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${expected}, got ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    throw new Error(`${expected}, got the scheme ${JSON.stringify(url.protocol)}`);
  if (url.hostname === '') throw new Error(`${expected}, got no host in ${JSON.stringify(text)}`);
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new Error(`${expected}: the database must be a number, got ${JSON.stringify(db)}`);
  return text;
}

/** The URL with its password hidden, for messages and logs. */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}

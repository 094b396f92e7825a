/**
 * The dashboard's static files (`http/dashboard/`), read from beside this module on first
 * request and kept in memory; only names in the allow-list are served.
 *
 * Runs on: main thread
 * @module
 */

const TYPES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "charts.js": "text/javascript; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
};

const cache = new Map<string, Uint8Array<ArrayBuffer>>();

/** The file `name` of the dashboard, or `undefined` when it is not one of its files. */
export async function dashboardAsset(
  name: string,
): Promise<{ body: Uint8Array<ArrayBuffer>; contentType: string } | undefined> {
  const contentType = TYPES[name];
  if (contentType === undefined) return undefined;
  let body = cache.get(name);
  if (body === undefined) {
    body = await Deno.readFile(new URL(`./dashboard/${name}`, import.meta.url));
    cache.set(name, body);
  }
  return { body, contentType };
}

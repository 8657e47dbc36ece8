import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';

/** A URL that leaves this origin: absolute http(s) or protocol-relative. */
const REMOTE = String.raw`(?:https?:)?\/\/`;

/** Hosts that serve npm packages, fonts and the like to browsers: a string naming one is a CDN load. */
const CDN_HOSTS = String.raw`(?:unpkg\.com|cdn\.jsdelivr\.net|esm\.sh|cdnjs\.cloudflare\.com|fonts\.googleapis\.com|fonts\.gstatic\.com|ga\.jspm\.io|cdn\.skypack\.dev)`;

/** Where each kind of built file can make the browser load something. */
const LOADS: Record<string, RegExp> = {
  '.html': new RegExp(
    String.raw`<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?${REMOTE}|${CDN_HOSTS}`,
    'gi',
  ),
  '.css': new RegExp(
    String.raw`(?:@import\s*(?:url\(\s*)?|url\(\s*)["']?${REMOTE}|${CDN_HOSTS}`,
    'gi',
  ),
  '.js': new RegExp(
    String.raw`(?:\bimport\s*\(\s*|\bfrom\s*|\bimportScripts\s*\(\s*|\bnew\s+(?:Shared)?Worker\s*\(\s*|\.(?:src|href)\s*=\s*)["'\x60]${REMOTE}|${CDN_HOSTS}`,
    'g',
  ),
};

/**
 * Every place in a built front end (a file, or a directory walked recursively) that loads a
 * script, style sheet, worker or other resource from another host: what a CDN dependency looks
 * like once bundled. Links the user may click and XML namespaces are not loads and are not listed.
 */
export function remoteLoads(path: string, base = path): string[] {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    const pattern = LOADS[extname(path)];
    if (!pattern) return [];
    const text = readFileSync(path, 'utf8');
    return [...text.matchAll(pattern)].map(
      (match) => `${relative(base, path) || path}: ${text.slice(match.index, match.index + 120)}`,
    );
  }
  return entries.flatMap((entry) => remoteLoads(join(path, entry.name), base));
}

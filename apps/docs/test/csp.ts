/**
 * A strict Content-Security-Policy for the built site, as README.md ("Content-Security-Policy")
 * gives it to hosts: no `'unsafe-eval'` and no inline scripts but VitePress's two, by hash.
 */
import { createHash } from 'node:crypto';

/**
 * The sha256 hashes of the inline scripts VitePress 1.6 puts in every page's head, by their
 * ids: the default theme's dark-mode check (`appearance` left at its default) and macOS check.
 * The pages' metadata, inline by default, goes to a script file (`metaChunk: true` in
 * .vitepress/config.mts) because it changes with every build. A VitePress upgrade that changes
 * these scripts fails csp.test.ts, which prints the new hashes.
 */
export const INLINE_SCRIPT_HASHES: Readonly<Record<string, string>> = {
  'check-dark-mode': 'sha256-DQUgNM9X0iH2019NkUxeBvnBoEoRKkHBc/I0iLqPNPA=',
  'check-mac-os': 'sha256-La1r0VSk0Po4KFI0duEKhmPu+u0I416JW3oONqtdf4M=',
};

/**
 * The policy. `'wasm-unsafe-eval'` lets the demo compile the WebAssembly SIMD kernels of
 * @mtrl/tensors (without it the demo runs on the TypeScript kernels); `worker-src 'self'` lets it
 * start its worker and the nested pretraining workers, all files of the site. Inline styles are
 * allowed: VitePress and the MathJax SVGs use `style` attributes.
 */
export const STRICT_CSP = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${Object.values(INLINE_SCRIPT_HASHES)
    .map((h) => `'${h}'`)
    .join(' ')}`,
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
].join('; ');

/** One inline script of a page: its attributes and the CSP source that allows it. */
export interface InlineScript {
  readonly attributes: string;
  readonly hash: string;
}

/** The inline `<script>` elements of an HTML page with their sha256 CSP sources. */
export function inlineScripts(html: string): InlineScript[] {
  return [...html.matchAll(/<script\b(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/gi)].map((m) => ({
    attributes: (m[1] ?? '').trim(),
    hash: `sha256-${createHash('sha256')
      .update(m[2] ?? '')
      .digest('base64')}`,
  }));
}

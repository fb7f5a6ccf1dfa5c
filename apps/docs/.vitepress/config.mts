import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DefaultTheme, defineConfig } from 'vitepress';

/** The API sidebar written by TypeDoc (typedoc-vitepress-theme) into src/api. */
function apiSidebar(): DefaultTheme.SidebarItem[] {
  const path = fileURLToPath(new URL('../src/api/typedoc-sidebar.json', import.meta.url));
  if (!existsSync(path)) return [];
  const items = JSON.parse(readFileSync(path, 'utf8')) as DefaultTheme.SidebarItem[];
  return items.map((item) => ({ ...item, link: item.link?.replace(/\.md$/, '') }));
}

export default defineConfig({
  title: 'mtrl',
  description:
    'A TypeScript toolkit reproducing "Provable Multi-Task Representation Learning by Two-Layer ReLU Neural Networks" (Collins et al., ICML 2024).',
  lang: 'en-GB',
  srcDir: 'src',
  // The bench's report.md in public/figures is a download, not a page.
  srcExclude: ['public/**', 'generated/**'],
  cleanUrls: false,
  // The pages' metadata (hash map, site data) goes to a script file instead of an inline script
  // that changes with every build, so a strict Content-Security-Policy can allow the two inline
  // scripts that remain (the theme's dark-mode and macOS checks) by their sha256 hashes. See
  // README.md, "Content-Security-Policy", and test/csp.test.ts.
  metaChunk: true,
  lastUpdated: false,
  head: [['link', { rel: 'icon', type: 'image/svg+xml', href: '/favicon.svg' }]],
  markdown: {
    math: true,
    lineNumbers: false,
    // GitHub's high-contrast themes: every token colour meets 4.5:1 on the code-block background
    // (the default github-light/-dark do not: comments and parameters fall to about 4.2:1). The
    // accessibility test in test/a11y.test.ts checks it with axe-core.
    theme: { light: 'github-light-high-contrast', dark: 'github-dark-high-contrast' },
  },
  vite: {
    worker: { format: 'es' },
    // ES2022 (top-level await) for the page and the workers: @mtrl/pretrain's own worker pool
    // uses it, and every browser that runs module workers supports it.
    build: { target: 'es2022', chunkSizeWarningLimit: 2000 },
  },
  themeConfig: {
    nav: [
      { text: 'Guide', link: '/getting-started' },
      { text: 'Packages', link: '/packages/tensors' },
      { text: 'Figures', link: '/reproduced' },
      { text: 'Demo', link: '/demo' },
      { text: 'API', link: '/api/' },
    ],
    sidebar: [
      {
        text: 'Guide',
        items: [
          { text: 'Getting started', link: '/getting-started' },
          { text: 'Concepts', link: '/concepts' },
          { text: 'Specification', link: '/specification' },
          { text: 'Studies of your own', link: '/studies' },
        ],
      },
      {
        text: 'Packages',
        items: [
          { text: '@mtrl/tensors', link: '/packages/tensors' },
          { text: '@mtrl/tasks', link: '/packages/tasks' },
          { text: '@mtrl/network', link: '/packages/network' },
          { text: '@mtrl/optim', link: '/packages/optim' },
          { text: '@mtrl/pretrain', link: '/packages/pretrain' },
          { text: '@mtrl/probes', link: '/packages/probes' },
          { text: '@mtrl/baselines', link: '/packages/baselines' },
          { text: 'mtrl-bench (CLI)', link: '/packages/bench' },
          { text: 'Sweeps across machines', link: '/distributed-sweeps' },
        ],
      },
      {
        text: 'Results',
        items: [
          { text: 'Reproduced figures', link: '/reproduced' },
          { text: 'Live demo', link: '/demo' },
        ],
      },
      { text: 'API reference', link: '/api/', items: apiSidebar() },
    ],
    search: { provider: 'local' },
    outline: [2, 3],
    footer: {
      message:
        'MIT licence. Reproduces Collins, Hassani, Soltanolkotabi, Mokhtari and Shakkottai, ICML 2024 (arXiv:2307.06887).',
    },
  },
});

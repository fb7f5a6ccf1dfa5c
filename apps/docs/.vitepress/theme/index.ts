import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import { onMounted } from 'vue';
import MtrlDemo from './MtrlDemo.vue';
import './custom.css';

/** The default VitePress theme plus the live demo component (used by demo.md). */
const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('MtrlDemo', MtrlDemo);
  },
  setup() {
    // The search button's shortcut keys are decoration: hidden from assistive technology, and
    // without its aria-label the button's name is its visible text, "Search" (or its title on a
    // phone, where the text is hidden). With the label, axe's label-content-name-mismatch
    // (test/a11y.test.ts) counts the keys as visible text missing from the name.
    onMounted(() => {
      for (const button of Array.from(document.querySelectorAll('.DocSearch-Button'))) {
        button.setAttribute('title', button.getAttribute('aria-label') ?? 'Search');
        button.removeAttribute('aria-label');
        button.querySelector('.DocSearch-Button-Keys')?.setAttribute('aria-hidden', 'true');
      }
    });
  },
};

export default theme;

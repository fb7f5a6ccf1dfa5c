import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import MtrlDemo from './MtrlDemo.vue';
import './custom.css';

/** The default VitePress theme plus the live demo component (used by demo.md). */
const theme: Theme = {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('MtrlDemo', MtrlDemo);
  },
};

export default theme;

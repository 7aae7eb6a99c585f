import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [
    paraglideVitePlugin({
      project: './project.inlang',
      outdir: './src/lib/paraglide',
      // Bengali unless the user chose English; the choice is a cookie, set again from the account at login.
      strategy: ['cookie', 'baseLocale'],
    }),
    sveltekit(),
  ],
  server: { fs: { allow: ['..'] } },
});

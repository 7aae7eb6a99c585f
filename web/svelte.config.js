// SvelteKit for the officers' web app. Built with adapter-node into web/build; api/main.ts serves the
// built handler and the Hono API on one port (see web/README.md).
import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ out: 'build', precompress: false }),
    // Pure domain code (money, Bengali digits, Dhaka dates) is shared with the server, not copied.
    alias: { $domain: '../domain', $api: '../api' },
  },
};

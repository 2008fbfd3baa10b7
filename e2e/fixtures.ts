import { test as base, expect } from '@playwright/test';
import { PlaygroundPage } from './pages/PlaygroundPage';

/**
 * Every test runs with two guards: no console error and no request leaving localhost
 * (fonts, CDNs, telemetry...). Both are checked after the test body.
 */
interface Fixtures {
  playground: PlaygroundPage;
  guards: { consoleErrors: string[]; externalRequests: string[] };
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isExternal(url: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return false;
  return !LOCAL_HOSTS.has(u.hostname);
}

export const test = base.extend<Fixtures>({
  guards: [
    async ({ context, page }, use) => {
      const consoleErrors: string[] = [];
      const externalRequests: string[] = [];
      context.on('request', (req) => {
        if (isExternal(req.url())) externalRequests.push(req.url());
      });
      page.on('console', (msg) => {
        if (msg.type() === 'error') consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
      await use({ consoleErrors, externalRequests });
      expect(externalRequests, 'requests outside localhost').toEqual([]);
      expect(consoleErrors, 'console errors').toEqual([]);
    },
    { auto: true },
  ],
  playground: async ({ page }, use) => {
    await use(new PlaygroundPage(page));
  },
});

export { expect };

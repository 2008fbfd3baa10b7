import { test, expect } from './fixtures';

/**
 * The built app runs under a strict Content-Security-Policy: the page carries it as a meta tag
 * and `vite preview` sends it as a header (the module worker is held to the header). A fetch to
 * an outside host is refused by the browser before any request leaves the page.
 */
test('a strict Content-Security-Policy is in force on the page and the worker', async ({ playground, page, guards }) => {
  const workerResponses: { url: string; csp: string | undefined }[] = [];
  page.on('response', (res) => {
    if (/trainer\.worker.*\.js/.test(res.url()) || /assets\/trainer/.test(res.url())) workerResponses.push({ url: res.url(), csp: res.headers()['content-security-policy'] });
  });
  const doc = await page.goto('/');
  await playground.waitReady();
  const header = doc?.headers()['content-security-policy'] ?? '';
  const meta = (await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')) ?? '';
  for (const csp of [header, meta]) {
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  }
  // The worker script (it owns tfjs) is served with the same policy.
  expect(workerResponses.length).toBeGreaterThan(0);
  for (const w of workerResponses) expect(w.csp, w.url).toContain("connect-src 'self'");

  // An outside fetch is blocked by CSP (a securitypolicyviolation on connect-src), not sent.
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    let result: string;
    try {
      await fetch('https://example.com/csp-probe', { mode: 'no-cors' });
      result = 'sent';
    } catch (err) {
      result = `blocked: ${String(err)}`;
    }
    await new Promise((r) => setTimeout(r, 50));
    return { result, violations };
  });
  expect(outcome.result).toMatch(/^blocked/);
  // One report per policy that refuses it (the header and the meta tag both do).
  expect(outcome.violations.length).toBeGreaterThan(0);
  for (const v of outcome.violations) expect(v).toBe('connect-src https://example.com/csp-probe');
  // String evaluation is refused too. (Playwright's own evaluate is exempt, so the page's timer
  // runs the string: a setTimeout with code is eval by another name.)
  const evalOutcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    const w = window as unknown as { __evalRan?: boolean; setTimeout(code: string, ms: number): number };
    w.setTimeout('window.__evalRan = true', 0);
    await new Promise((r) => setTimeout(r, 100));
    return { ran: w.__evalRan === true, violations };
  });
  expect(evalOutcome.ran).toBe(false);
  expect(evalOutcome.violations.length).toBeGreaterThan(0);
  for (const v of evalOutcome.violations) expect(v).toBe('script-src eval');

  // Nothing left the page: the fixture records every request, and none went to example.com.
  expect(guards.externalRequests).toEqual([]);
  // The browser logs each refusal as a console error (asynchronously); those are expected here
  // and nothing else is.
  await expect.poll(() => guards.consoleErrors.some((m) => m.includes('Fetch API cannot load https://example.com/csp-probe'))).toBe(true);
  await page.waitForTimeout(300);
  const expected = (m: string) => /Content Security Policy/i.test(m);
  expect(guards.consoleErrors.filter((m) => !expected(m))).toEqual([]);
  guards.consoleErrors.length = 0;
});

/**
 * No library probes for eval under the CSP: zod v4 compiles object parsers with `new Function`
 * unless told not to (z.config({ jitless: true }) in src/zodJitless.ts, imported first by the
 * page and the worker), and its caught probe still reports a script-src violation.
 */
test('loading the app raises no CSP violation (no eval probe on the page or in the worker)', async ({ playground, page }) => {
  const messages: string[] = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('worker', (w) => w.on('console', (m) => messages.push(`worker ${m.type()}: ${m.text()}`)));
  await page.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.effectiveDirective} ${e.sourceFile}:${e.lineNumber}`));
  });
  await page.goto('/');
  await playground.waitReady();
  await page.waitForTimeout(500);
  const violations = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
  expect(violations).toEqual([]);
  expect(messages.filter((m) => /Content Security Policy|unsafe-eval|securitypolicy/i.test(m))).toEqual([]);
});

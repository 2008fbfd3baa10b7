/**
 * The browser half of `npm run bench`: builds the app and the bench page (src/bench) with
 * Vite, serves both with `vite preview` (the app's CSP header on every response), and drives
 * Debian's headless Chromium with Playwright's library API, one fresh browser context per
 * measurement:
 *  - /bench/: window.runBench({ backend, ... }) runs the engine benchmark on that backend;
 *  - /?backend=X: the real app starts its default run, and the page's frame rate
 *    (requestAnimationFrame callbacks) and longest main-thread task ('longtask' entries)
 *    are read while it trains.
 * Requests that would leave localhost are aborted (and reported): nothing is downloaded.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext } from '@playwright/test';
import { build, preview } from 'vite';
import { BenchEntrySchema, type BenchEntry, type PageBenchOptions } from '../bench/schema';
import { wasmThreadsPlugin } from '../../vite.config';

type BrowserBackend = PageBenchOptions['backend'];

/** Exactly the flags the e2e suite uses (playwright.config.ts). */
const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface BrowserBenchOptions {
  /** The engine benchmark's options, shared by every backend (src/bench/profile.ts lowers them for slow ones). */
  engine: Omit<PageBenchOptions, 'backend' | 'machine' | 'notes' | 'learnSeeds'>;
  fpsSeconds: number;
  port: number;
  /** The host machine, as Node describes it. */
  machine: string;
  /** The wasm backend runs once per thread count. */
  wasmThreads: number[];
  /** Time to learn on wasm with these seeds (empty: skipped). */
  learnSeeds: number[];
  log: (line: string) => void;
}

/**
 * Counts animation frames and long tasks from now on, into window.__fps. A string, not a
 * function: tsx compiles named functions with a `__name` helper the page does not have.
 */
const FPS_PROBE = `(() => {
  const state = { frames: 0, longest: 0, longestAt: 0, longTasks: 0, start: performance.now() };
  window.__fps = state;
  const tick = () => { state.frames++; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      state.longTasks++;
      if (e.duration > state.longest) { state.longest = e.duration; state.longestAt = (e.startTime - state.start) / 1000; }
    }
  }).observe({ type: 'longtask' });
})()`;

interface PageGlobals {
  runBench?: (options: unknown) => Promise<unknown>;
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  performance: { now(): number };
  __fps?: { frames: number; longest: number; longestAt: number; longTasks: number; start: number };
}

async function newContext(browser: Browser, blocked: string[], log: (line: string) => void): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== '' && !LOCAL_HOSTS.has(url.hostname)) {
      blocked.push(url.href);
      await route.abort();
    } else {
      await route.continue();
    }
  });
  context.on('console', (msg) => {
    const text = msg.text();
    if (text.startsWith('[bench] ')) log(text.slice(8));
    else if (msg.type() === 'error') log(`page console error: ${text}`);
  });
  context.on('weberror', (e) => log(`page error: ${e.error().message}`));
  return context;
}

async function engineEntry(browser: Browser, base: string, backend: BrowserBackend, threads: number | undefined, o: BrowserBenchOptions, browserVersion: string): Promise<BenchEntry> {
  const blocked: string[] = [];
  const context = await newContext(browser, blocked, o.log);
  try {
    const page = await context.newPage();
    await page.goto(`${base}/bench/`);
    await page.waitForFunction(() => typeof (globalThis as unknown as PageGlobals).runBench === 'function');
    const options: PageBenchOptions = {
      ...o.engine,
      backend,
      machine: `${o.machine}; headless Chromium ${browserVersion}`,
      notes: [],
      ...(threads !== undefined ? { threads } : {}),
      learnSeeds: backend === 'wasm' ? o.learnSeeds : [],
    };
    const raw = await page.evaluate((opts) => (globalThis as unknown as PageGlobals).runBench!(opts), options);
    const entry = BenchEntrySchema.parse(raw);
    if (blocked.length > 0) entry.notes = [...(entry.notes ?? []), `blocked requests outside localhost: ${blocked.join(', ')}`];
    return entry;
  } finally {
    await context.close();
  }
}

/** The real app on `backend`: start the default run, then count frames and long tasks for `seconds`. */
async function appResponsiveness(browser: Browser, base: string, backend: BrowserBackend, threads: number | undefined, o: BrowserBenchOptions): Promise<{ fps: number; longestTaskMs: number; longestTaskAtS: number; longTasks: number; appIterations: number; appSeconds: number; note?: string }> {
  const blocked: string[] = [];
  const context = await newContext(browser, blocked, o.log);
  try {
    const page = await context.newPage();
    await page.goto(`${base}/?backend=${backend}${threads !== undefined ? `&threads=${threads}` : ''}#preset=grpo`);
    await page.waitForFunction(
      () => {
        const d = (globalThis as unknown as PageGlobals).document;
        return d.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-state') === 'ready' && d.querySelector('[data-testid="app"]')?.getAttribute('data-runs-loaded') === 'true';
      },
      undefined,
      { timeout: 120_000 },
    );
    const running = await page.evaluate(() => (globalThis as unknown as PageGlobals).document.querySelector('[data-testid="backend-badge"]')?.getAttribute('data-backend') ?? '');
    await page.evaluate(FPS_PROBE);
    await page.getByTestId('btn-start').click();
    await page.waitForTimeout(o.fpsSeconds * 1000);
    const r = await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      const s = g.__fps!;
      const it = Number(g.document.querySelector('[data-testid="iteration"]')?.getAttribute('data-iteration') ?? 0);
      return { frames: s.frames, seconds: (g.performance.now() - s.start) / 1000, longest: s.longest, longestAt: s.longestAt, longTasks: s.longTasks, iteration: it };
    });
    const notes = [running !== backend ? `the app ran on ${running}, not ${backend}` : '', blocked.length > 0 ? `blocked requests outside localhost: ${blocked.join(', ')}` : ''].filter(Boolean);
    return {
      fps: r.frames / r.seconds,
      longestTaskMs: r.longest,
      longestTaskAtS: r.longestAt,
      longTasks: r.longTasks,
      appIterations: r.iteration,
      appSeconds: r.seconds,
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    };
  } finally {
    await context.close();
  }
}

export async function benchBrowser(backends: BrowserBackend[], o: BrowserBenchOptions): Promise<BenchEntry[]> {
  const executablePath = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!executablePath) throw new Error('No Chromium found: install Debian\'s chromium or set CHROMIUM_PATH (nothing is downloaded).');
  o.log('browser: building the app and the bench page');
  // The app first (it empties dist/), then the bench page into dist/bench/, so one preview
  // server with the app's CSP serves both; /checkpoints/ comes from the app's public/.
  await build({ configFile: resolve('vite.config.ts'), logLevel: 'warn' });
  await build({
    configFile: false,
    // The threaded wasm build needs the same edit as the app's (vite.config.ts).
    plugins: [wasmThreadsPlugin],
    root: resolve('src/bench'),
    base: '/bench/',
    publicDir: false,
    logLevel: 'warn',
    build: { outDir: resolve('dist/bench'), emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192 },
    worker: { format: 'es' },
  });
  const server = await preview({ configFile: resolve('vite.config.ts'), logLevel: 'warn', preview: { port: o.port, strictPort: true, host: 'localhost' } });
  const base = `http://localhost:${o.port}`;
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const out: BenchEntry[] = [];
  try {
    const version = browser.version();
    const runs = backends.flatMap((backend): { backend: BrowserBackend; threads: number | undefined }[] =>
      backend === 'wasm' ? o.wasmThreads.map((threads) => ({ backend, threads })) : [{ backend, threads: undefined }],
    );
    for (const { backend, threads } of runs) {
      const tag = `browser/${backend}${threads !== undefined ? ` (${threads} thread${threads === 1 ? '' : 's'})` : ''}`;
      o.log(`${tag}: engine benchmark`);
      const entry = await engineEntry(browser, base, backend, threads, o, version);
      o.log(`${tag}: the app's default run, ${o.fpsSeconds} s`);
      const app = await appResponsiveness(browser, base, backend, threads, o);
      o.log(
        `${tag}: ${app.fps.toFixed(1)} fps, ${app.longTasks} long tasks, the longest ${app.longestTaskMs.toFixed(0)} ms at ${app.longestTaskAtS.toFixed(1)} s, ${app.appIterations} iterations in ${app.appSeconds.toFixed(0)} s`,
      );
      const { note, ...numbers } = app;
      out.push({ ...entry, ...numbers, notes: [...(entry.notes ?? []), ...(note ? [note] : [])] });
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

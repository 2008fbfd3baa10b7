import { expect, type Locator, type Page } from '@playwright/test';
import { DEFAULT_MAX_NEW_TOKENS } from '../../src/engine/config';
import { DEFAULT_MODEL_CONFIG, type ModelConfig } from '../../src/engine/model/config';

/**
 * The playground as a page object. Waits are on app state the page exposes (data-status,
 * data-iteration, data-points...), never on fixed timeouts or pixels.
 */

/** A model and batch small enough that an iteration takes well under a second on WASM. */
export const TINY: Record<string, string | number | boolean> = {
  'run.init': 'scratch',
  'run.evalEvery': 0,
  'run.keepBatches': 1,
  'sampling.promptsPerIter': 2,
  'sampling.groupSize': 2,
  'sampling.maxNewTokens': 8,
  'model.dModel': 16,
  'model.nHeads': 2,
  'model.nLayers': 1,
  'model.encoderLayers': 0,
  'model.ffnMult': 1,
  'model.maxResponseLen': 8,
};

/**
 * On top of TINY, the committed warm starts' own model (public/checkpoints/<task>/model.json: the
 * engine's default model) in place of TINY's model knobs, and the default new-token budget
 * (room for the tasks' gold traces), read from the engine, so a run with run.init 'sft' loads.
 */
export const WARM_START_MODEL: Record<string, number> = {
  ...Object.fromEntries(
    Object.keys(TINY)
      .filter((k) => k.startsWith('model.'))
      .map((k) => [k, DEFAULT_MODEL_CONFIG[k.slice('model.'.length) as keyof ModelConfig]]),
  ),
  'sampling.maxNewTokens': DEFAULT_MAX_NEW_TOKENS,
};

export interface GotoOptions {
  backend?: 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  /** `?threads=`: wasm's thread count (a string, to test bad values too). */
  threads?: string;
  preset?: string;
  /** Dotted config paths (as in the URL hash) on top of TINY. */
  config?: Record<string, string | number | boolean>;
  tiny?: boolean;
  view?: 'compare' | 'inspect' | 'learn';
  /** Put the store on window.__rft (?debug), to read metrics records. */
  debug?: boolean;
}

export interface StoreHandle {
  getState(): { activeRunId: string | null; metrics: Record<string, { iteration: number; values: Record<string, number> }[]> };
}

export class PlaygroundPage {
  readonly badge: Locator;
  readonly iteration: Locator;
  readonly status: Locator;
  readonly start: Locator;
  readonly pause: Locator;
  readonly step: Locator;
  readonly stop: Locator;
  readonly reset: Locator;
  readonly runRows: Locator;
  readonly runsList: Locator;

  constructor(readonly page: Page) {
    this.badge = page.getByTestId('backend-badge');
    this.iteration = page.getByTestId('iteration');
    this.status = page.getByTestId('run-status');
    this.start = page.getByTestId('btn-start');
    this.pause = page.getByTestId('btn-pause');
    this.step = page.getByTestId('btn-step');
    this.stop = page.getByTestId('btn-stop');
    this.reset = page.getByTestId('btn-reset');
    this.runsList = page.getByTestId('runs-list');
    this.runRows = page.getByTestId('run-row');
  }

  static hash(opts: GotoOptions): string {
    const params = new URLSearchParams();
    params.set('preset', opts.preset ?? 'grpo');
    const cfg = { ...(opts.tiny === false ? {} : TINY), ...(opts.config ?? {}) };
    for (const [k, v] of Object.entries(cfg)) params.set(k, String(v));
    return `#${params.toString()}`;
  }

  async goto(opts: GotoOptions = {}): Promise<void> {
    const query = new URLSearchParams();
    if (opts.backend) query.set('backend', opts.backend);
    if (opts.view) query.set('view', opts.view);
    if (opts.threads !== undefined) query.set('threads', opts.threads);
    const base = query.toString();
    const qs = opts.debug ? (base ? `${base}&debug` : 'debug') : base;
    await this.page.goto(`/${qs ? `?${qs}` : ''}${PlaygroundPage.hash(opts)}`);
    await this.waitReady();
  }

  /** The worker has picked a backend and saved runs are loaded. */
  async waitReady(): Promise<void> {
    await expect(this.badge).toHaveAttribute('data-state', 'ready');
    await expect(this.page.getByTestId('app')).toHaveAttribute('data-runs-loaded', 'true');
  }

  async backendName(): Promise<string> {
    return (await this.badge.getAttribute('data-backend')) ?? '';
  }

  async currentIteration(): Promise<number> {
    return Number(await this.iteration.getAttribute('data-iteration'));
  }

  async waitIterationAtLeast(n: number): Promise<void> {
    await expect.poll(() => this.currentIteration(), { message: `iteration >= ${n}` }).toBeGreaterThanOrEqual(n);
  }

  /** The runs-list row of the run named `name` (exactly). */
  runRow(name: string): Locator {
    return this.runRows.filter({ has: this.page.getByTestId('run-name').getByText(name, { exact: true }) });
  }

  /**
   * Wait until the run named `name` has at least `n` iterations stored and shown (the worker stores
   * records before it tells the page). Not `waitIterationAtLeast`: after a goto that only changes
   * the hash, the controls still show the run that was active before (a finished one at its last
   * iteration) until the new run is built, so that wait can pass before the new run has stored anything.
   */
  async waitPoints(name: string, n: number): Promise<void> {
    const row = this.runRow(name);
    await expect.poll(async () => Number(await row.getAttribute('data-points')), { message: `"${name}" has ${n} iterations stored` }).toBeGreaterThanOrEqual(n);
  }

  async waitStatus(status: string): Promise<void> {
    await expect(this.status).toHaveAttribute('data-status', status);
  }

  chart(id: string, scope?: Locator): Locator {
    return (scope ?? this.page).getByTestId(`chart-${id}`);
  }

  async chartPoints(id: string, scope?: Locator): Promise<number> {
    return Number(await this.chart(id, scope).getAttribute('data-points'));
  }

  field(path: string): Locator {
    return this.page.getByTestId(`field-${path}`);
  }

  input(path: string): Locator {
    return this.page.getByTestId(`input-${path}`);
  }

  async openView(view: 'train' | 'compare' | 'inspect' | 'learn'): Promise<void> {
    await this.page.getByTestId(`tab-${view}`).click();
    await expect(this.page.getByTestId(`tab-${view}`)).toHaveAttribute('aria-selected', 'true');
  }

  /** Learn view, one explainer (mdp, ppo-clip, grpo, kl, gae, length, objectives, iteration, lessons, trl). */
  async openTopic(topic: string): Promise<void> {
    await this.openView('learn');
    await this.page.getByTestId(`topic-${topic}`).click();
    await expect(this.page.getByTestId('learn-workspace')).toHaveAttribute('data-topic', topic);
  }

  /** A metric of one iteration of a run, from the store (needs goto({ debug: true })). */
  async metric(runId: string, iteration: number, key: string): Promise<number | undefined> {
    return this.page.evaluate(
      ([id, it, k]) => (window as unknown as { __rft: StoreHandle }).__rft.getState().metrics[id]?.find((r) => r.iteration === it)?.values[k],
      [runId, iteration, key] as const,
    );
  }

  /** The config fields the panel shows, as dotted paths. */
  async visibleFields(): Promise<string[]> {
    const ids = await this.page.locator('[data-testid^="field-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
    return ids.map((id) => id.replace(/^field-/, '')).sort();
  }

  async openGroup(group: string): Promise<void> {
    const details = this.page.getByTestId(`group-${group}`);
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  }
}

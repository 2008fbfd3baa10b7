import { expect, type Locator, type Page } from '@playwright/test';

/** The fork, sampled-evaluation and "Try your own" tools, as a page object (waits on app state only). */
export class ToolsPage {
  readonly fork: Locator;
  readonly evalPanel: Locator;
  readonly own: Locator;
  readonly crossPanel: Locator;

  constructor(readonly page: Page) {
    this.fork = page.getByTestId('fork-panel');
    this.evalPanel = page.getByTestId('eval-panel');
    this.crossPanel = page.getByTestId('cross-panel');
    this.own = page.getByTestId('try-own');
  }

  /** Fork the newest run: B sets `knob` to `value`; both run `extra` more iterations. */
  async forkNewest(knob: string, value: string, extra: number): Promise<void> {
    await this.fork.getByTestId('fork-knob').selectOption(knob);
    await expect(this.fork.getByTestId('fork-knob-help')).not.toBeEmpty();
    await this.fork.getByTestId('fork-value').fill(value);
    await this.fork.getByTestId('fork-extra').fill(String(extra));
    await this.fork.getByTestId('btn-fork').click();
  }

  async evaluate(opts: { split: string; prompts: number; n: number; k: number }): Promise<void> {
    await this.evalPanel.getByTestId('eval-split').selectOption(opts.split);
    await this.evalPanel.getByTestId('eval-prompts').fill(String(opts.prompts));
    await this.evalPanel.getByTestId('eval-n').fill(String(opts.n));
    await this.evalPanel.getByTestId('eval-k').fill(String(opts.k));
    await this.evalPanel.getByTestId('btn-eval').click();
  }

  /** Cross-task evaluation of the picked run: `prompts` per task and split. */
  async evaluateAcrossTasks(prompts: number): Promise<void> {
    await this.crossPanel.getByTestId('cross-prompts').fill(String(prompts));
    await this.crossPanel.getByTestId('btn-cross').click();
  }

  async openTryOwn(): Promise<void> {
    await this.page.getByTestId('inspect-tab-own').click();
    await expect(this.own).toBeVisible();
  }

  /** The keyboard way: focus the canvas, move the cursor and paint (Space; Shift+arrow paints as it moves). */
  async paintWithKeys(keys: readonly string[]): Promise<void> {
    const before = Number(await this.own.getAttribute('data-version'));
    await this.own.getByTestId('own-canvas').focus();
    for (const key of keys) await this.page.keyboard.press(key);
    await expect.poll(async () => Number(await this.own.getAttribute('data-version'))).toBeGreaterThan(before);
  }

  /** Upload a picture (a PNG's bytes) and wait for the canvas to take it. */
  async upload(png: Buffer): Promise<void> {
    const before = Number(await this.own.getAttribute('data-version'));
    await this.own.getByTestId('own-file').setInputFiles({ name: 'mine.png', mimeType: 'image/png', buffer: png });
    await expect.poll(async () => Number(await this.own.getAttribute('data-version'))).toBeGreaterThan(before);
  }

  /** The canvas's pixel (x, y) as RGB bytes. */
  async pixel(x: number, y: number): Promise<number[]> {
    return this.own.getByTestId('own-canvas').evaluate((el, [px, py]) => Array.from((el as HTMLCanvasElement).getContext('2d')!.getImageData(px!, py!, 1, 1).data.slice(0, 3)), [x, y]);
  }

  /** A stroke across the canvas with the mouse, from (fx0, fy0) to (fx1, fy1) in fractions of its side. */
  async drawStroke(fx0: number, fy0: number, fx1: number, fy1: number): Promise<void> {
    const canvas = this.own.getByTestId('own-canvas');
    const box = await canvas.boundingBox();
    if (!box) throw new Error('The drawing canvas is not visible.');
    const before = Number(await this.own.getAttribute('data-version'));
    await this.page.mouse.move(box.x + fx0 * box.width, box.y + fy0 * box.height);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + fx1 * box.width, box.y + fy1 * box.height, { steps: 8 });
    await this.page.mouse.up();
    await expect.poll(async () => Number(await this.own.getAttribute('data-version'))).toBeGreaterThan(before);
  }
}

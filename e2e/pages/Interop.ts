import { expect, type Download, type Locator, type Page } from '@playwright/test';
import type { PlaygroundPage } from './PlaygroundPage';

/**
 * Carrying runs out and in: the Learn view's TRL panel ("Download bundle (.zip)") and the runs
 * list's "Import run" for other trainers' logs. Waits on the app's own state (the button's
 * aria-busy, a run row's data-points), never on timeouts.
 */
export class InteropPage {
  readonly bundleButton: Locator;
  readonly importInput: Locator;

  constructor(
    readonly page: Page,
    readonly playground: PlaygroundPage,
  ) {
    this.bundleButton = page.getByTestId('btn-export-bundle');
    this.importInput = page.getByTestId('import-input');
  }

  /** Learn → "Graduate", then the bundle of the active run (or the panel's config), pressed from the keyboard. */
  async downloadBundle(): Promise<Download> {
    await this.playground.openTopic('trl');
    await expect(this.bundleButton).toBeEnabled();
    await expect(this.bundleButton).toHaveAccessibleDescription(/One .zip to run this experiment on a real trainer/);
    await this.bundleButton.focus();
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.keyboard.press('Enter')]);
    await expect(this.bundleButton).toHaveAttribute('aria-busy', 'false');
    return download;
  }

  /** Import a file through the runs list; resolves once the new run row holds `points` metrics records. */
  async importRun(path: string, name: string, points: number): Promise<Locator> {
    const before = await this.playground.runRows.count();
    await this.importInput.setInputFiles(path);
    await expect(this.playground.runRows).toHaveCount(before + 1);
    const row = this.playground.runRows.filter({ has: this.page.getByTestId('run-name').filter({ hasText: name }) });
    await expect(row).toHaveAttribute('data-points', String(points));
    return row;
  }
}

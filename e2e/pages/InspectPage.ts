import { expect, type Locator, type Page } from '@playwright/test';

/**
 * The Inspect view as a page object: responses, their tokens, the heatmap modes, the token
 * panel and its objective, the batch's Σ-check and update summary. Waits are on the
 * attributes the view exposes (data-t, data-matches...), never on timeouts.
 */
export class InspectPage {
  readonly view: Locator;
  readonly detail: Locator;
  readonly objective: Locator;
  readonly sumCheck: Locator;
  readonly updateEffect: Locator;

  constructor(readonly page: Page) {
    this.view = page.getByTestId('inspect-view');
    this.detail = page.getByTestId('token-detail');
    this.objective = page.getByTestId('token-objective');
    this.sumCheck = page.getByTestId('sum-check');
    this.updateEffect = page.getByTestId('update-effect');
  }

  /** Open prompt p's group (of B) and wait until its G response cards show; returns them. */
  async openGroup(p: number, B: number, G: number): Promise<Locator> {
    const items = this.page.getByTestId('group-item');
    await expect(items).toHaveCount(B);
    await items.nth(p).click();
    await expect(this.page.getByTestId('prompt-card')).toHaveAttribute('data-prompt', String(p));
    const cards = this.page.getByTestId('response-card');
    await expect(cards).toHaveCount(G);
    return cards;
  }

  token(response: number, t: number): Locator {
    return this.page.getByTestId('response-card').nth(response).getByTestId('token').nth(t);
  }

  /** Select a token by keyboard: focus its response's tab stop, then arrow right t times. */
  async selectToken(response: number, t: number): Promise<void> {
    const first = this.token(response, 0);
    await first.focus();
    await expect(this.detail).toHaveAttribute('data-t', '0');
    for (let k = 1; k <= t; k++) {
      await this.page.keyboard.press('ArrowRight');
      await expect(this.detail).toHaveAttribute('data-t', String(k));
    }
  }

  async heatmap(mode: string): Promise<void> {
    await this.page.getByTestId(`heat-${mode}`).check();
    await expect(this.page.getByTestId(`heat-${mode}`)).toBeChecked();
  }

  async iteration(): Promise<number> {
    return Number(await this.view.getAttribute('data-iteration'));
  }
}

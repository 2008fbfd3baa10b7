import type { InspectSample } from '../../../engine/train/types';
import { tokenNumbers } from '../../lib/inspect';

/** Every number of the token under the pointer (or keyboard focus). */
export function TokenDetail({ sample, index, t }: { sample: InspectSample | undefined; index: number; t: number }) {
  if (!sample || t >= sample.tokens.length) {
    return (
      <aside className="token-detail" data-testid="token-detail" aria-live="polite">
        <p className="muted">Hover or focus (Tab) a token for all its numbers.</p>
      </aside>
    );
  }
  return (
    <aside className="token-detail" data-testid="token-detail" data-sample={index} data-t={t} aria-live="polite">
      <h4>
        Response {index + 1}, token {t}
      </h4>
      <dl>
        {tokenNumbers(sample, t).map((r) => (
          <div key={r.label}>
            <dt>{r.label}</dt>
            <dd>{r.value}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}

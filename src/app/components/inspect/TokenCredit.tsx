import type { RunConfig } from '../../../engine/config';
import type { InspectSample } from '../../../engine/train/types';
import { fmt } from '../../lib/format';
import { word } from '../../lib/inspect';
import { tokenCredit, type CreditToken } from '../../lib/tokenCredit';

interface Row {
  id: string;
  label: string;
  title: string;
  value: (c: CreditToken) => number;
}

/**
 * A critic algorithm's response, token by token: the reward paid on each token, what GAE ran on,
 * V, the advantage GAE made of it and the return, as a table with the tokens as column headers,
 * and the same story in a sentence (the text alternative). Batches stored before token rewards
 * were kept show V, Â and the return only.
 */
export function TokenCredit({ sample, config, member }: { sample: InspectSample; config: RunConfig; member: number }) {
  const credit = tokenCredit(sample, config);
  if (!sample.values) return null;
  const rows: Row[] = [];
  if (credit) {
    rows.push({ id: 'reward', label: 'r_t', title: 'The reward paid on this token, before any KL', value: (c) => c.reward });
    if (credit.tokens.some((c) => c.gaeReward !== undefined)) rows.push({ id: 'gae-reward', label: 'r_t − β·KL_t', title: 'What GAE ran on: the KL to the reference is in the reward', value: (c) => c.gaeReward ?? c.reward });
  }
  const at = (arr: number[] | undefined) => (c: CreditToken) => arr?.[c.t] ?? Number.NaN;
  rows.push(
    { id: 'value', label: 'V', title: 'The value head\'s prediction', value: at(sample.values) },
    { id: 'advantage', label: 'Â', title: 'GAE\'s advantage, before whitening', value: at(sample.tokenAdvantages) },
    { id: 'return', label: 'R', title: 'The λ-return, the value head\'s target', value: at(sample.returns) },
  );
  const columns: CreditToken[] = credit?.tokens ?? sample.tokens.map((id, t) => ({ t, word: word(id), reward: 0, value: 0, advantage: 0, recomputed: 0, ret: 0 }));
  return (
    <div className="token-credit" data-testid="token-credit" data-dense={credit?.dense ?? ''} data-sum={credit?.sum ?? ''} data-gae-agrees={credit?.gaeAgrees ?? ''}>
      {credit && (
        <p className="note" data-testid="credit-text">
          {credit.text}
        </p>
      )}
      <table className="ppo-trace" aria-label={`Response ${member + 1}, per token: ${rows.map((r) => r.label).join(', ')}`}>
        <thead>
          <tr>
            <th scope="col">token</th>
            {columns.map((c, t) => (
              <th key={t} scope="col">
                {c.word}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} data-testid={`credit-${r.id}`}>
              <th scope="row" title={r.title}>
                {r.label}
              </th>
              {columns.map((c) => {
                const v = r.value(c);
                return (
                  <td key={c.t} className={`num${r.id === 'reward' && v !== 0 ? ' paid' : ''}`} data-value={v}>
                    {fmt(v, 2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

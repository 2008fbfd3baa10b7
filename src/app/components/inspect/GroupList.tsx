import { fmt } from '../../lib/format';
import { questionText, type GroupView } from '../../lib/inspect';

interface Props {
  groups: readonly GroupView[];
  total: number;
  selected: number;
  onSelect: (index: number) => void;
  groupBaseline: boolean;
}

/** The batch's prompts (groups), sorted and filtered; pick one to read its G responses. */
export function GroupList({ groups, total, selected, onSelect, groupBaseline }: Props) {
  return (
    <nav className="group-list" aria-label="Prompts in this batch" data-testid="group-list" data-count={groups.length}>
      <p className="muted">
        {groups.length} of {total} prompts
      </p>
      {groups.length === 0 && <p className="empty">No group matches the filter.</p>}
      <ul>
        {groups.map((g) => (
          <li key={g.index}>
            <button
              type="button"
              className={`group-item${g.index === selected ? ' selected' : ''}`}
              aria-pressed={g.index === selected}
              data-testid="group-item"
              data-prompt={g.index}
              data-mean={g.mean}
              data-std={g.std}
              data-zero={g.zeroVariance}
              onClick={() => onSelect(g.index)}
            >
              <span className="group-q">
                {g.index + 1}. {questionText(g.prompt.promptTokens)}
              </span>
              <span className="group-stats">
                mean {fmt(g.mean, 3)} · std {fmt(g.std, 3)}
                {g.zeroVariance && (
                  <span className="badge badge-zero" title={groupBaseline ? 'All rewards equal: every advantage is 0' : 'All rewards equal (this run\'s baseline is not the group mean, so advantages are not 0)'}>
                    {groupBaseline ? 'no signal' : 'equal rewards'}
                  </span>
                )}
                {g.clippedTokens > 0 && <span className="badge badge-clip">{g.clippedTokens} clipped</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

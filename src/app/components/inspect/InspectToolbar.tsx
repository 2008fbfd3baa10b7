import { useId } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { InspectBatch } from '../../../engine/train/types';
import { GROUP_FILTERS, GROUP_ORDERS, HEAT_MODES, type GroupFilter, type GroupOrder } from '../../lib/inspect';
import { useApp } from '../../store';

interface Props {
  runIds: readonly string[];
  runId: string;
  batches: readonly InspectBatch[];
  batch: InspectBatch;
  ppo: boolean;
}

/** Which run and stored batch, how groups are sorted and filtered, and which token heatmap. */
export function InspectToolbar({ runIds, runId, batches, batch, ppo }: Props) {
  const s = useApp(
    useShallow((st) => ({
      runs: st.runs,
      order: st.groupOrder,
      filter: st.groupFilter,
      mode: st.heatMode,
      setRun: st.setInspectRun,
      setIteration: st.setInspectIteration,
      setOrder: st.setGroupOrder,
      setFilter: st.setGroupFilter,
      setMode: st.setHeatMode,
    })),
  );
  const runSel = useId();
  const iterSel = useId();
  const orderSel = useId();
  const filterSel = useId();
  const index = Math.max(0, batches.indexOf(batch));
  const modeHelp = HEAT_MODES.find((m) => m.id === s.mode)?.help;
  return (
    <div className="inspect-toolbar" role="toolbar" aria-label="Inspect controls">
      <div className="tool">
        <label htmlFor={runSel}>Run</label>
        <select id={runSel} value={runId} data-testid="inspect-run" onChange={(e) => s.setRun(e.target.value)}>
          {runIds.map((id) => (
            <option key={id} value={id}>
              {s.runs[id]?.name ?? id}
            </option>
          ))}
        </select>
      </div>
      <div className="tool">
        <label htmlFor={iterSel}>
          Iteration <strong data-testid="inspect-iteration-label">{batch.iteration}</strong>
        </label>
        <input
          id={iterSel}
          type="range"
          min={0}
          max={batches.length - 1}
          step={1}
          value={index}
          disabled={batches.length < 2}
          data-testid="inspect-scrubber"
          aria-valuetext={`iteration ${batch.iteration}`}
          onChange={(e) => s.setIteration(batches[Number(e.target.value)]?.iteration ?? null)}
        />
        <span className="muted">
          {index + 1} of {batches.length} kept (run.keepBatches)
        </span>
      </div>
      <div className="tool">
        <label htmlFor={orderSel}>Sort</label>
        <select id={orderSel} value={s.order} data-testid="inspect-order" onChange={(e) => s.setOrder(e.target.value as GroupOrder)}>
          {GROUP_ORDERS.map((o) => (
            <option key={o.id} value={o.id}>
              {o.label}
            </option>
          ))}
        </select>
        <label htmlFor={filterSel}>Show</label>
        <select id={filterSel} value={s.filter} data-testid="inspect-filter" onChange={(e) => s.setFilter(e.target.value as GroupFilter)}>
          {GROUP_FILTERS.map((f) => (
            <option key={f.id} value={f.id}>
              {f.label}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="tool heat-modes">
        <legend>Token heatmap</legend>
        {HEAT_MODES.map((m) => (
          <label key={m.id} title={m.help} className={m.ppo && !ppo ? 'disabled' : undefined}>
            <input type="radio" name="heat-mode" value={m.id} checked={s.mode === m.id} disabled={m.ppo && !ppo} data-testid={`heat-${m.id}`} onChange={() => s.setMode(m.id)} />
            {m.label}
          </label>
        ))}
        <p className="field-help">{modeHelp}</p>
      </fieldset>
    </div>
  );
}

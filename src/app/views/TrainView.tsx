import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ChartGrid } from '../charts/ChartGrid';
import { ChartToolbar } from '../components/ChartToolbar';
import { ConfigPanel } from '../components/ConfigPanel';
import { Controls } from '../components/Controls';
import { RunsList } from '../components/RunsList';
import { useApp } from '../store';

/** The default view: config on the left; controls, live charts and the runs list on the right. */
export function TrainView() {
  const { order, runs } = useApp(useShallow((s) => ({ order: s.order, runs: s.runs })));
  const visibleKey = order.filter((id) => runs[id]?.visible).join(',');
  const visible = useMemo(() => (visibleKey ? visibleKey.split(',') : []), [visibleKey]);
  return (
    <div className="train-view">
      <aside className="sidebar">
        <ConfigPanel />
      </aside>
      <section className="workspace">
        <Controls />
        <ChartToolbar />
        <ChartGrid runIds={visible} syncId="train" />
        <RunsList />
      </section>
    </div>
  );
}

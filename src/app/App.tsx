import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { BackendBadge } from './components/BackendBadge';
import { Glossary } from './components/Glossary';
import { Notices } from './components/Notices';
import { WorkerCrashBanner } from './components/WorkerCrashBanner';
import { StorageAlert } from './components/StorageAlert';
import { useApp } from './store';
import type { View } from './store/uiSlice';
import { CompareView } from './views/CompareView';
import { InspectView } from './views/InspectView';
import { LearnView } from './views/LearnView';
import { TrainView } from './views/TrainView';

const TABS: { id: View; label: string; title: string }[] = [
  { id: 'train', label: 'Train', title: 'Configure, run and watch the curves' },
  { id: 'compare', label: 'Compare', title: 'Several presets on the same seed, side by side' },
  { id: 'inspect', label: 'Inspect', title: 'One rollout batch, down to the token' },
  { id: 'learn', label: 'Learn', title: 'Interactive explainers, lessons and the TRL export' },
];

const VIEWS: Record<View, () => ReactNode> = {
  train: () => <TrainView />,
  compare: () => <CompareView />,
  inspect: () => <InspectView />,
  learn: () => <LearnView />,
};

export function App() {
  const { view, setView, runsLoaded } = useApp(useShallow((s) => ({ view: s.view, setView: s.setView, runsLoaded: s.runsLoaded })));
  return (
    <div className="app" data-testid="app" data-runs-loaded={runsLoaded}>
      <header className="topbar">
        <h1>
          RFT Playground <span className="subtitle">reinforcement fine-tuning of a tiny VLM, in your browser</span>
        </h1>
        <nav role="tablist" aria-label="Views">
          {TABS.map((t) => (
            <button
              key={t.id}
              type="button"
              role="tab"
              id={`tab-${t.id}`}
              aria-selected={view === t.id}
              aria-controls="view"
              title={t.title}
              data-testid={`tab-${t.id}`}
              onClick={() => setView(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <Glossary />
        <BackendBadge />
      </header>
      <Notices />
      <WorkerCrashBanner />
      <StorageAlert />
      <main id="view" role="tabpanel" aria-labelledby={`tab-${view}`}>
        {VIEWS[view]()}
      </main>
    </div>
  );
}

import { useShallow } from 'zustand/react/shallow';
import { BackendBadge } from './components/BackendBadge';
import { Notices } from './components/Notices';
import { useApp } from './store';
import type { View } from './store/uiSlice';
import { CompareView } from './views/CompareView';
import { TrainView } from './views/TrainView';

const TABS: { id: View; label: string }[] = [
  { id: 'train', label: 'Train' },
  { id: 'compare', label: 'Compare' },
];

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
              data-testid={`tab-${t.id}`}
              onClick={() => setView(t.id)}
            >
              {t.label}
            </button>
          ))}
        </nav>
        <BackendBadge />
      </header>
      <Notices />
      <main id="view" role="tabpanel" aria-labelledby={`tab-${view}`}>
        {view === 'train' ? <TrainView /> : <CompareView />}
      </main>
    </div>
  );
}

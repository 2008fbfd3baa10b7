import type { ComponentType } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { GaeExplainer } from '../components/learn/GaeExplainer';
import { GrpoExplainer } from '../components/learn/GrpoExplainer';
import { IterationWalk } from '../components/learn/IterationWalk';
import { KlExplainer } from '../components/learn/KlExplainer';
import { LengthExplainer } from '../components/learn/LengthExplainer';
import { LessonList } from '../components/learn/LessonList';
import { MdpExplainer } from '../components/learn/MdpExplainer';
import { ObjectivesExplainer } from '../components/learn/ObjectivesExplainer';
import { PpoClipExplainer } from '../components/learn/PpoClipExplainer';
import { Quiz } from '../components/learn/Quiz';
import { TrlPanel } from '../components/learn/TrlPanel';
import { LEARN_TOPICS, type LearnTopic } from '../lessons';
import { useApp } from '../store';

const EXPLAINERS: Record<LearnTopic, ComponentType> = {
  mdp: MdpExplainer,
  'ppo-clip': PpoClipExplainer,
  grpo: GrpoExplainer,
  kl: KlExplainer,
  gae: GaeExplainer,
  length: LengthExplainer,
  objectives: ObjectivesExplainer,
  iteration: IterationWalk,
  lessons: LessonList,
  trl: TrlPanel,
};

/** Concept explainers tied to the active run, the lessons, and the TRL export. */
export function LearnView() {
  const { topic, openTopic, runKey } = useApp(
    useShallow((s) => {
      const run = s.activeRunId ? s.runs[s.activeRunId] : undefined;
      return { topic: s.learnTopic, openTopic: s.openTopic, runKey: run ? `${run.id}:${run.config.preset}` : 'panel' };
    }),
  );
  const Explainer = EXPLAINERS[topic];
  return (
    <div className="learn-view">
      <aside className="sidebar">
        <nav aria-label="Explainers">
          <ul className="topic-list">
            {LEARN_TOPICS.map((t) => (
              <li key={t.id}>
                <button type="button" className="link" aria-current={t.id === topic ? 'page' : undefined} data-testid={`topic-${t.id}`} onClick={() => openTopic(t.id)}>
                  {t.title}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <p className="field-help">Every explainer uses the active run where there is one (its config, its newest rollout batch, its metrics), and a worked example otherwise.</p>
      </aside>
      <section className="workspace" data-testid="learn-workspace" data-topic={topic}>
        {/* A new run (or preset) starts the explainer's sliders from its values again. */}
        <Explainer key={runKey} />
        <Quiz key={topic} topic={topic} />
      </section>
    </div>
  );
}

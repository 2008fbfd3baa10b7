import { useCallback, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { GroupList } from '../components/inspect/GroupList';
import { InspectToolbar } from '../components/inspect/InspectToolbar';
import { ObjectiveCheck } from '../components/inspect/ObjectiveCheck';
import { PromptCard } from '../components/inspect/PromptCard';
import { ResponseCard } from '../components/inspect/ResponseCard';
import { TokenDetail } from '../components/inspect/TokenDetail';
import { TokenObjective } from '../components/inspect/TokenObjective';
import { TryOwn } from '../components/inspect/TryOwn';
import { fmt } from '../lib/format';
import { batchRewardMean, expectedAdvantages, groupViews, hasGroupBaseline, heatScale, orderGroups } from '../lib/inspect';
import { useApp } from '../store';

/** One stored rollout batch, down to the token: groups, responses, rewards, advantages, heatmaps, attention. */
function BatchInspector() {
  const s = useApp(
    useShallow((st) => ({
      runs: st.runs,
      order: st.order,
      inspect: st.inspect,
      metrics: st.metrics,
      activeRunId: st.activeRunId,
      inspectRunId: st.inspectRunId,
      inspectIteration: st.inspectIteration,
      inspectPrompt: st.inspectPrompt,
      heatMode: st.heatMode,
      groupOrder: st.groupOrder,
      groupFilter: st.groupFilter,
      focusToken: st.focusToken,
      attention: st.attention,
      setPrompt: st.setInspectPrompt,
      setFocusToken: st.setFocusToken,
      requestAttention: st.requestAttention,
      clearAttention: st.clearAttention,
    })),
  );
  const runIds = s.order.filter((id) => (s.inspect[id]?.length ?? 0) > 0);
  const has = (id: string | null): id is string => id !== null && runIds.includes(id);
  const runId = has(s.inspectRunId) ? s.inspectRunId : has(s.activeRunId) ? s.activeRunId : (runIds.at(-1) ?? null);
  const batches = runId ? (s.inspect[runId] ?? []) : [];
  const batch = batches.find((b) => b.iteration === s.inspectIteration) ?? batches.at(-1) ?? null;
  const run = runId ? s.runs[runId] : undefined;
  const groups = useMemo(() => (batch ? groupViews(batch) : []), [batch]);
  const shown = useMemo(() => orderGroups(groups, s.groupOrder, s.groupFilter), [groups, s.groupOrder, s.groupFilter]);
  const scale = useMemo(() => (batch ? heatScale(batch, s.heatMode) : 1), [batch, s.heatMode]);
  const expected = useMemo(() => (batch && run ? expectedAdvantages(batch, run.config) : null), [batch, run]);
  const { setFocusToken, requestAttention } = s;
  const onFocusToken = useCallback((sample: number, t: number) => setFocusToken({ sample, t }), [setFocusToken]);
  const onAttention = useCallback(
    (sample: number, position: number) => {
      if (runId && batch) void requestAttention(runId, batch.iteration, sample, position);
    },
    [requestAttention, runId, batch],
  );

  if (!batch || !run || !runId) {
    return (
      <div className="inspect-view" data-testid="inspect-view" data-batches={0}>
        <p className="empty" data-testid="inspect-empty">
          No rollout batches yet. Start a run in the Train view: the last run.keepBatches batches of each run appear here, down to every token. (They live in memory
          only: after a reload, run again.)
        </p>
      </div>
    );
  }

  const group = groups.find((g) => g.index === s.inspectPrompt) ?? shown[0] ?? groups[0]!;
  const record = s.metrics[runId]?.find((r) => r.iteration === batch.iteration);
  const logged = record?.values['reward/mean'];
  const mine = batchRewardMean(batch);
  const filtered = run.config.tricks.dynamicSampling || run.config.tricks.onlineFilter;
  const ppo = batch.samples.some((x) => x.values !== undefined);
  const groupBaseline = hasGroupBaseline(run.config);
  const focus = s.focusToken;
  const att = s.attention?.key.startsWith(`${runId}/${batch.iteration}/`) ? s.attention : null;
  const attSample = att ? batch.samples[att.sample] : undefined;
  const attentionFor = att && attSample && attSample.promptIndex === group.index ? { sample: att.sample - group.samples[0]!.index, token: attSample.tokens[att.position] ?? 0 } : null;

  return (
    <div className="inspect-view" data-testid="inspect-view" data-run-id={runId} data-iteration={batch.iteration} data-batches={batches.length} data-prompts={batch.prompts.length} data-group-size={batch.groupSize}>
      <InspectToolbar runIds={runIds} runId={runId} batches={batches} batch={batch} ppo={ppo} />
      <p className="batch-check" data-testid="batch-check">
        Iteration {batch.iteration}: mean reward over all {batch.samples.length} responses{' '}
        <strong data-testid="batch-reward-mean" data-value={mine}>
          {fmt(mine, 5)}
        </strong>
        ; the metrics record says reward/mean ={' '}
        <strong data-testid="logged-reward-mean" data-value={logged ?? ''}>
          {fmt(logged, 5)}
        </strong>
        {logged !== undefined && !filtered && (Math.abs(logged - mine) < 1e-6 ? ' ✓' : ' (differs)')}
        {filtered && ' (this run filters groups: the batch holds the kept ones, the metric all the first round\'s).'}
        {run.config.optim.epochs * run.config.optim.minibatches === 1 && ' One update per rollout: every ratio is exactly 1, nothing is clipped.'}
      </p>
      <ObjectiveCheck batch={batch} config={run.config} values={record?.values} />
      <div className="inspect-body">
        <GroupList groups={shown} total={groups.length} selected={group.index} onSelect={s.setPrompt} groupBaseline={groupBaseline} />
        <div className="inspect-main">
          <PromptCard group={group} attention={attentionFor ? att : null} attentionFor={attentionFor} onClearAttention={s.clearAttention} groupBaseline={groupBaseline} task={run.config.task.task} />
          <div className="responses" data-testid="responses" data-count={group.samples.length}>
            {group.samples.map(({ sample, index }, j) => (
              <ResponseCard
                key={index}
                sample={sample}
                index={index}
                member={j}
                mode={s.heatMode}
                scale={scale}
                weights={run.config.rewards.weights}
                expected={expected?.[index] ?? null}
                focusT={focus?.sample === index ? focus.t : null}
                onFocusToken={onFocusToken}
                onAttention={onAttention}
                attentionBusy={s.attention?.status === 'loading'}
              />
            ))}
          </div>
          <TokenDetail sample={focus ? batch.samples[focus.sample] : undefined} index={focus ? focus.sample - (group.samples[0]?.index ?? 0) : 0} t={focus?.t ?? 0} />
          {focus && <TokenObjective batch={batch} config={run.config} values={record?.values} sample={focus.sample} t={focus.t} />}
        </div>
      </div>
    </div>
  );
}

/** Inspect: the stored rollout batches, or "Try your own" (the policy on a person's image and question). */
export function InspectView() {
  const [tab, setTab] = useState<'batches' | 'own'>('batches');
  return (
    <>
      <div className="inspect-tabs" role="tablist" aria-label="Inspect">
        <button type="button" role="tab" aria-selected={tab === 'batches'} data-testid="inspect-tab-batches" onClick={() => setTab('batches')}>
          Rollout batches
        </button>
        <button type="button" role="tab" aria-selected={tab === 'own'} data-testid="inspect-tab-own" onClick={() => setTab('own')}>
          Try your own
        </button>
      </div>
      {tab === 'batches' ? <BatchInspector /> : <TryOwn />}
    </>
  );
}

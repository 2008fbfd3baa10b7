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
import { TabList, tabId } from '../components/TabList';
import { LocateBoxes } from '../components/inspect/drawLocate';
import { TASKS } from '../../engine/tasks';
import { fmt } from '../lib/format';
import { batchRewardMean, expectedAdvantages, goldLoss, groupViews, hasGroupBaseline, heatScale, orderGroups } from '../lib/inspect';
import type { InspectBatch } from '../../engine/train/types';
import type { RunConfig } from '../../engine/config';
import { useApp } from '../store';

/**
 * What an SFT batch is, in place of the rollout check: nothing was sampled, each row is a gold
 * trace, and the loss recomputed from the log-probs shown against the logged loss/policy.
 */
function GoldBatchNote({ batch, config, logged }: { batch: InspectBatch; config: RunConfig; logged: number | undefined }) {
  const { tokens, loss } = goldLoss(batch);
  const steps = config.optim.epochs * config.optim.minibatches;
  return (
    <p className="batch-check" data-testid="gold-batch-note">
      Iteration {batch.iteration} is supervised fine-tuning (SFT): it samples nothing, so there are no rollouts and no groups. Each of the {batch.prompts.length} prompts below
      has one row, its <strong>gold trace</strong>, the response the update imitated (its advantage is its weight, 1; its reward is what this run's rewards would pay
      that trace). The log-prob heatmap is the model's log π of each gold token; the loss is minus their mean. Before the update (log π_old) that is{' '}
      <strong data-testid="gold-loss" data-value={loss}>
        {fmt(loss, 5)}
      </strong>{' '}
      over {tokens} gold tokens; the metrics record says loss/policy ={' '}
      <strong data-testid="logged-loss" data-value={logged ?? ''}>
        {fmt(logged, 5)}
      </strong>
      {logged !== undefined &&
        (steps === 1
          ? Math.abs(logged - loss) < 1e-4
            ? ' ✓'
            : ' (differs)'
          : ` (with ${steps} Adam steps per iteration the logged loss comes from the steps' own passes, each after the ones before it, so the two need not agree).`)}{' '}
      The Δ log-prob heatmap shows how much each gold token gained from the update.
    </p>
  );
}

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
  const gold = batch.source === 'gold-traces';
  const focus = s.focusToken;
  const att = s.attention?.key.startsWith(`${runId}/${batch.iteration}/`) ? s.attention : null;
  const attSample = att ? batch.samples[att.sample] : undefined;
  const attentionFor = att && attSample && attSample.promptIndex === group.index ? { sample: att.sample - group.samples[0]!.index, token: attSample.tokens[att.position] ?? 0 } : null;

  return (
    <div className="inspect-view" data-testid="inspect-view" data-run-id={runId} data-iteration={batch.iteration} data-batches={batches.length} data-prompts={batch.prompts.length} data-group-size={batch.groupSize}>
      <InspectToolbar runIds={runIds} runId={runId} batches={batches} batch={batch} ppo={ppo} />
      {gold ? (
        <GoldBatchNote batch={batch} config={run.config} logged={record?.values['loss/policy']} />
      ) : (
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
      )}
      {!gold && <ObjectiveCheck batch={batch} config={run.config} values={record?.values} />}
      <div className="inspect-body">
        <GroupList groups={shown} total={groups.length} selected={group.index} onSelect={s.setPrompt} groupBaseline={groupBaseline} />
        <div className="inspect-main">
          <PromptCard group={group} attention={attentionFor ? att : null} attentionFor={attentionFor} onClearAttention={s.clearAttention} groupBaseline={groupBaseline} task={run.config.task.task} />
          {TASKS[run.config.task.task].goldBox && <LocateBoxes group={group} />}
          <div className="responses" data-testid="responses" data-count={group.samples.length}>
            {group.samples.map(({ sample, index }, j) => (
              <ResponseCard
                key={index}
                sample={sample}
                index={index}
                member={j}
                mode={s.heatMode}
                scale={scale}
                config={run.config}
                expected={expected?.[index] ?? null}
                focusT={focus?.sample === index ? focus.t : null}
                onFocusToken={onFocusToken}
                onAttention={onAttention}
                attentionBusy={s.attention?.status === 'loading'}
              />
            ))}
          </div>
          <TokenDetail sample={focus ? batch.samples[focus.sample] : undefined} index={focus ? focus.sample - (group.samples[0]?.index ?? 0) : 0} t={focus?.t ?? 0} />
          {focus && !gold && <TokenObjective batch={batch} config={run.config} values={record?.values} sample={focus.sample} t={focus.t} />}
        </div>
      </div>
    </div>
  );
}

/** Inspect: the stored rollout batches, or "Try your own" (the policy on a person's image and question). */
const INSPECT_TABS = [
  { id: 'batches', label: 'Rollout batches', title: 'The kept batches of a run, down to every token' },
  { id: 'own', label: 'Try your own', title: 'The policy on your own picture and question' },
] as const;

export function InspectView() {
  const [tab, setTab] = useState<(typeof INSPECT_TABS)[number]['id']>('batches');
  return (
    <>
      <TabList className="inspect-tabs" label="Inspect" tabs={INSPECT_TABS} selected={tab} onSelect={setTab} idPrefix="inspect-tab" panelId="inspect-panel" />
      <div role="tabpanel" id="inspect-panel" aria-labelledby={tabId('inspect-tab', tab)} data-testid="inspect-panel">
        {tab === 'batches' ? <BatchInspector /> : <TryOwn />}
      </div>
    </>
  );
}

import { useId, useMemo, useState } from 'react';
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../../engine/config';
import { PRESETS, PRESET_IDS, applyPreset } from '../../../engine/presets';
import { buildObjective, diffObjectives, type ObjectiveTerm, type TermDiff } from '../../lib/objectives';
import { Formula } from './Formula';
import { useRunContext } from './useRunContext';

/** 'current' is the active run's config (or the config panel's); anything else a preset id. */
type Choice = 'current' | (typeof PRESET_IDS)[number];

/** A preset on top of the current config (same task, G, model...), or on the defaults where that config cannot take it (RLOO with G = 1). */
function configFor(choice: Choice, current: RunConfig): RunConfig {
  if (choice === 'current') return current;
  try {
    return applyPreset(choice, current);
  } catch {
    return applyPreset(choice);
  }
}

const show = (v: unknown): string => (v === undefined ? '–' : typeof v === 'string' ? v : JSON.stringify(v));

function ChoiceSelect({ label, help, value, onChange, currentLabel, testId }: { label: string; help: string; value: Choice; onChange: (c: Choice) => void; currentLabel: string; testId: string }) {
  const id = useId();
  return (
    <div className="objective-choice">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} aria-describedby={`${id}-help`} data-testid={testId} onChange={(e) => onChange(e.target.value as Choice)}>
        <option value="current">{currentLabel}</option>
        {PRESET_IDS.map((p) => (
          <option key={p} value={p}>
            {PRESETS[p].title} preset
          </option>
        ))}
      </select>
      <p id={`${id}-help`} className="field-help">
        {help}
      </p>
    </div>
  );
}

function TermCard({ term }: { term: ObjectiveTerm }) {
  return (
    <li className="objective-term" data-testid={`objective-term-${term.id}`} data-value={term.value}>
      <h5>
        {term.role}: <span className="objective-term-value">{term.value}</span>
      </h5>
      <Formula tex={term.tex} label={`${term.role}: ${term.text}`} />
      <p>{term.text}</p>
      <p className="field-help">
        {term.knobs.length > 0 ? (
          <>
            Knobs: {term.knobs.map((k, i) => (
              <span key={k}>
                {i > 0 && ', '}
                <code>{k}</code>
              </span>
            ))}
            .{' '}
          </>
        ) : (
          'Set by the algorithm itself. '
        )}
        Source: {term.source}.
      </p>
    </li>
  );
}

function DiffRow({ d, nameA, nameB }: { d: TermDiff; nameA: string; nameB: string }) {
  const side = (t: ObjectiveTerm | null, name: string) =>
    t ? (
      <div className="objective-diff-side">
        <span className="objective-diff-name">{name}:</span> {t.value}
        <Formula tex={t.tex} label={`${name}: ${t.text}`} />
      </div>
    ) : (
      <div className="objective-diff-side objective-diff-absent">
        <span className="objective-diff-name">{name}:</span> no such term
      </div>
    );
  return (
    <li className={d.differs ? 'objective-diff-row objective-differs' : 'objective-diff-row'} data-testid={`diff-row-${d.id}`} data-differs={d.differs}>
      <h5>
        {d.role}
        {d.differs ? <span className="objective-differs-badge">differs</span> : <span className="sr-only"> (same)</span>}
      </h5>
      {d.differs ? (
        <>
          {side(d.a, nameA)}
          {side(d.b, nameB)}
        </>
      ) : (
        <div className="objective-diff-side">
          Both: {d.a?.value}
          {d.a && <Formula tex={d.a.tex} label={d.a.text} />}
          {d.knobs.length > 0 && (
            <p className="field-help">
              Same knobs: {d.knobs.map((k) => `${k.path} = ${show(k.a)}`).join(', ')}.
            </p>
          )}
        </div>
      )}
      {d.differs && d.knobs.length > 0 && (
        <table className="objective-knobs">
          <caption className="sr-only">Knobs behind the {d.role} term</caption>
          <thead>
            <tr>
              <th scope="col">knob</th>
              <th scope="col">{nameA}</th>
              <th scope="col">{nameB}</th>
            </tr>
          </thead>
          <tbody>
            {d.knobs.map((k) => (
              <tr key={k.path} className={k.changed ? 'objective-knob-changed' : undefined} data-testid={`diff-knob-${k.path}`} data-changed={k.changed}>
                <th scope="row">
                  <code>{k.path}</code>
                  {k.changed && <span className="sr-only"> (changed)</span>}
                </th>
                <td>{show(k.a)}</td>
                <td>{show(k.b)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

/**
 * Every algorithm's whole objective, built term by term from a config (lib/objectives.ts),
 * with its numbers; and the diff of any two, term by term, with the knobs behind each.
 */
export function ObjectivesExplainer() {
  const ctx = useRunContext();
  const currentLabel = ctx.runName ? `this run (${ctx.runName})` : 'the config panel';
  const [choice, setChoice] = useState<Choice>('current');
  const [left, setLeft] = useState<Choice>('current');
  // B starts as GRPO (the default preset), or as DAPO when A already is GRPO.
  const [right, setRight] = useState<Choice>(ctx.config.preset === DEFAULT_RUN_CONFIG.preset ? 'dapo' : 'grpo');
  const objective = useMemo(() => buildObjective(configFor(choice, ctx.config)), [choice, ctx.config]);
  const diff = useMemo(() => diffObjectives(configFor(left, ctx.config), configFor(right, ctx.config)), [left, right, ctx.config]);
  const name = (c: Choice) => (c === 'current' ? (ctx.runName ? 'this run' : 'panel') : PRESETS[c].title);
  const nameA = left === right ? `${name(left)} (A)` : name(left);
  const nameB = left === right ? `${name(right)} (B)` : name(right);
  const differing = diff.filter((d) => d.differs);
  return (
    <section className="explainer" aria-labelledby="objectives-title" data-testid="explainer-objectives">
      <h3 id="objectives-title">Objectives, term by term</h3>
      <p>
        Every algorithm here maximises one objective: an expectation over sampled responses of a per-token policy term, averaged one way or another, sometimes minus a
        KL or a value loss, sometimes under a constraint. The formula below is built from the config, term by term, with its numbers: a mixture you make in the
        config panel gets its own true objective. Sources: GRPO arXiv:2402.03300 (as in the survey, arXiv:2505.18536), PPO arXiv:1707.06347, TRPO arXiv:1502.05477,
        RLOO arXiv:2402.14740, Dr. GRPO arXiv:2503.20783, DAPO arXiv:2503.14476, GSPO arXiv:2507.18071.
      </p>
      <ChoiceSelect
        label="Objective of"
        help="The active run's config, or the config panel's when no run is active; or any preset on top of it (same task, G and model)."
        value={choice}
        onChange={setChoice}
        currentLabel={currentLabel}
        testId="objective-select"
      />
      <div data-testid="objective-formula" data-algorithm={objective.title}>
        <Formula tex={objective.tex} label={`The whole ${objective.title} objective with this config's numbers`} />
      </div>
      <ol className="objective-terms" aria-label="Terms of the objective">
        {objective.terms.map((t) => (
          <TermCard key={t.id} term={t} />
        ))}
      </ol>

      <h4 id="objective-diff-title">Compare two objectives</h4>
      <p className="field-help">Pick two; the terms that differ are marked "differs", with both variants and the knobs behind them. Terms both share are listed once.</p>
      <div className="objective-choices">
        <ChoiceSelect label="A" help="The first objective." value={left} onChange={setLeft} currentLabel={currentLabel} testId="diff-a" />
        <ChoiceSelect label="B" help="The second objective." value={right} onChange={setRight} currentLabel={currentLabel} testId="diff-b" />
      </div>
      <p data-testid="diff-summary" data-count={differing.length} aria-live="polite">
        {differing.length === 0
          ? `${nameA} and ${nameB} have the same objective.`
          : `${differing.length} of ${diff.length} terms differ: ${differing.map((d) => d.role).join(', ')}.`}
      </p>
      <ol className="objective-diff" aria-labelledby="objective-diff-title">
        {diff.map((d) => (
          <DiffRow key={d.id} d={d} nameA={nameA} nameB={nameB} />
        ))}
      </ol>
    </section>
  );
}

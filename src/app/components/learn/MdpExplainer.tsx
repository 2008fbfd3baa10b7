import { useMemo, useState } from 'react';
import { TASKS } from '../../../engine/tasks';
import { formatResponse } from '../../../engine/tokenizer';
import { fmt } from '../../lib/format';
import { questionText, words } from '../../lib/inspect';
import { PixelImage } from '../inspect/PixelImage';
import { Formula, texNum } from './Formula';
import { Slider } from './Slider';
import { useRunContext } from './useRunContext';

interface Episode {
  image: Float32Array;
  size: number;
  question: string;
  tokens: number[];
  logp: number[] | null;
  reward: number;
  fromRun: boolean;
}

/** A gold response to a digit-sum prompt, when there is no run to take a sampled one from. */
function worked(): Episode {
  const inst = TASKS['digit-sum'].generate({ seed: 3, split: 'id', difficulty: 1, imageSize: 32, jitter: 0.3 });
  return { image: inst.image, size: inst.imageSize, question: questionText(inst.promptTokens), tokens: formatResponse(inst.goldTrace, inst.answer), logp: null, reward: 1.2, fromRun: false };
}

/** Text generation as an MDP: state = image + prompt + prefix, action = next token, reward at the end. */
export function MdpExplainer() {
  const ctx = useRunContext();
  const ep = useMemo<Episode>(() => {
    const b = ctx.batch;
    const s = b ? ([...b.samples].sort((x, y) => y.reward - x.reward)[0] ?? null) : null;
    const p = s && b ? b.prompts[s.promptIndex] : undefined;
    if (!s || !p) return worked();
    return { image: p.image, size: p.imageSize, question: questionText(p.promptTokens), tokens: s.tokens, logp: s.logp, reward: s.reward, fromRun: true };
  }, [ctx.batch]);
  const T = ep.tokens.length;
  const [tRaw, setT] = useState(0);
  const t = Math.min(tRaw, T - 1);
  const w = words(ep.tokens);
  const lp = ep.logp?.[t];
  const last = t === T - 1;
  const tex =
    `s_{${t}} = \\big(\\text{image},\\ q,\\ y_{<${t}}\\big),\\quad a_{${t}} = y_{${t}} \\sim \\pi_\\theta(\\cdot\\mid s_{${t}})` +
    (lp !== undefined ? `,\\quad \\pi_\\theta(a_{${t}}\\mid s_{${t}}) = e^{${texNum(lp)}} = ${texNum(Math.exp(lp))}` : '') +
    `,\\quad r_{${t}} = ${last ? `R(y) = ${texNum(ep.reward)}` : '0'}`;
  return (
    <section className="explainer" aria-labelledby="mdp-title" data-testid="explainer-mdp">
      <h3 id="mdp-title">Text generation as a Markov decision process</h3>
      <p>
        The state is everything the model sees: the image, the question and the tokens it has written so far. The action is the next token. The environment is
        trivial: it appends the token. The reward comes once, when the answer is finished and the rule-based reward functions score it. RL then has to work out which
        of the {T} actions deserved the credit.
        {ep.fromRun ? ` This is the best-scoring response of your run's iteration ${ctx.batch?.iteration}.` : ' A gold response to a digit-sum prompt; start a run to step through a sampled one.'}
      </p>
      <Formula label="State, action and reward at this step" tex={tex} />
      <Slider label="step t" help="Move through the response one action at a time (arrow keys)." value={t} min={0} max={T - 1} step={1} onChange={setT} testId="mdp-step" />
      <div className="mdp">
        <PixelImage image={ep.image} size={ep.size} scale={4} label="the prompt image" />
        <div className="mdp-state">
          <p>
            <span className="muted">question</span> {ep.question}
          </p>
          <p className="tokens" aria-label="the response so far and the next action">
            {w.map((word, i) => (
              <span key={i} className={`token${i < t ? ' token-prefix' : i === t ? ' token-action' : ' token-future'}`}>
                {word}
              </span>
            ))}
          </p>
          <p>
            action <code>{w[t]}</code>
            {lp !== undefined && <> with probability {fmt(Math.exp(lp), 3)}</>} · reward {last ? <strong>{fmt(ep.reward, 3)}</strong> : '0 (not finished)'}
          </p>
        </div>
      </div>
    </section>
  );
}

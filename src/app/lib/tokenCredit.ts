import type { RunConfig } from '../../engine/config';
import { gae } from '../../engine/rl/host';
import type { InspectSample } from '../../engine/train/types';
import { fmt } from './format';
import { word } from './inspect';

/**
 * Credit inside a response, for a critic algorithm's Inspect card (PPO, TRPO): where the reward
 * was paid (the trainer's placement: with rewards.dense, StepGRPO's StepRAR key steps on the
 * tokens that complete them, arXiv:2503.12937, the rest on the last token; without, all of it on
 * the last token, as TRL's PPOTrainer), what GAE ran on (minus β·KL_t when the KL is in the
 * reward) and the advantage GAE made of it (arXiv:1506.02438), recomputed here from those rewards
 * and the value head's V to check the trainer's.
 */

export interface CreditToken {
  t: number;
  word: string;
  /** The reward placed on this token, before any KL. */
  reward: number;
  /** What GAE ran on here (reward − β·KL_t), when the KL is in the reward. */
  gaeReward?: number;
  value: number;
  /** GAE's Â_t as the trainer recorded it (before whitening). */
  advantage: number;
  /** Â_t recomputed here by the host GAE from the rewards GAE ran on and V. */
  recomputed: number;
  ret: number;
}

export interface TokenCredit {
  /** The run placed StepRAR's key steps on their tokens (rewards.dense). */
  dense: boolean;
  tokens: CreditToken[];
  /** Tokens before the last that were paid something (dense key steps), in order. */
  inside: CreditToken[];
  last: CreditToken;
  /** Σ_t reward: the response's reward. */
  sum: number;
  /** GAE's advantages recomputed here equal the recorded ones (float32 tolerance). */
  gaeAgrees: boolean;
  /** The whole story in one paragraph, the text alternative of the table. */
  text: string;
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(a), Math.abs(b));
const quoted = (c: CreditToken): string => `“${c.word}” (token ${c.t})`;

function sentence(c: Omit<TokenCredit, 'text'>, reward: number, o: RunConfig['objective']): string {
  const klIn = c.tokens.some((x) => x.gaeReward !== undefined);
  const gaeText = `GAE (γ ${fmt(o.gamma, 3)}, λ ${fmt(o.lambda, 3)}) turns ${klIn ? 'r_t − β·KL_t' : 'r_t'} and V into Â_t`;
  const check = c.gaeAgrees ? ' (recomputed here from the rows: ✓)' : ' (recomputed here from the rows, it differs from the trainer\'s)';
  if (!c.dense) {
    return `Scalar reward (rewards.dense off): all of it, ${fmt(reward, 4)}, on the last token ${quoted(c.last)}, 0 elsewhere; ${gaeText}, which alone carries credit back to the earlier tokens${check}.`;
  }
  const inside = c.inside.map((x) => `${fmt(x.reward, 4)} on ${quoted(x)}`);
  const where =
    inside.length > 0
      ? `StepRAR paid ${inside.join(', ')} for key steps, the rest, ${fmt(c.last.reward, 4)}, on the last token ${quoted(c.last)}`
      : `no key step completed before the end, so all of it, ${fmt(c.last.reward, 4)}, is on the last token ${quoted(c.last)}`;
  return `Dense rewards: ${where}; together the response's reward, ${fmt(c.sum, 4)}. ${gaeText}, so tokens before a paid step share its credit${check}.`;
}

/** The response's credit story, or null when the batch recorded no token rewards (a critic-free algorithm, or a batch stored before they were kept). */
export function tokenCredit(s: InspectSample, config: RunConfig): TokenCredit | null {
  const { tokenRewards, values, tokenAdvantages, returns, gaeRewards } = s;
  const n = s.tokens.length;
  if (!tokenRewards || !values || !tokenAdvantages || n === 0) return null;
  const o = config.objective;
  const ran = gaeRewards ?? tokenRewards;
  const recomputed = gae(ran.slice(0, n), values.slice(0, n), o.gamma, o.lambda).advantages;
  const tokens = s.tokens.map((id, t) => ({
    t,
    word: word(id),
    reward: tokenRewards[t] ?? 0,
    ...(gaeRewards ? { gaeReward: gaeRewards[t] ?? 0 } : {}),
    value: values[t] ?? 0,
    advantage: tokenAdvantages[t] ?? 0,
    recomputed: recomputed[t]!,
    ret: returns?.[t] ?? 0,
  }));
  const last = tokens[n - 1]!;
  const base = {
    dense: config.rewards.dense,
    tokens,
    inside: tokens.slice(0, -1).filter((x) => x.reward !== 0),
    last,
    sum: tokenRewards.slice(0, n).reduce((a, b) => a + b, 0),
    gaeAgrees: tokens.every((x) => close(x.advantage, x.recomputed)),
  };
  return { ...base, text: sentence(base, s.reward, o) };
}

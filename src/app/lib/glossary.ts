/**
 * Words for beginners: the glossary behind the header's "Glossary" button, and the linker
 * that turns these terms into definitions wherever a chart's note uses them.
 */

export interface GlossaryTerm {
  id: string;
  term: string;
  /** Spellings found in text (matched whole-word; the first match of each term is linked). */
  match: readonly string[];
  definition: string;
}

export const GLOSSARY: readonly GlossaryTerm[] = [
  { id: 'policy', term: 'Policy (π)', match: ['policy', 'π_θ', 'π'], definition: 'The model being trained, seen as a rule that picks the next token: π(token | prompt, tokens so far).' },
  { id: 'rollout', term: 'Rollout', match: ['rollout', 'rollouts'], definition: 'Answers sampled from the current policy for a batch of prompts, then scored by the reward: the data of one iteration.' },
  { id: 'reward', term: 'Reward', match: ['reward', 'rewards'], definition: 'The score of one answer (right answer, right format, ...), a weighted sum of reward functions. Training tries to raise it.' },
  { id: 'reference', term: 'Reference (π_ref)', match: ['reference', 'π_ref'], definition: 'A frozen copy of the starting model. KL to it measures how far training has moved the policy; β · KL keeps it close.' },
  { id: 'pi-old', term: 'π_old', match: ['π_old'], definition: 'The policy as it was when it sampled this iteration\'s rollout. The update compares the new policy to it through the ratio π/π_old.' },
  { id: 'ratio', term: 'Ratio (r)', match: ['ratio'], definition: 'π(token) / π_old(token): how much likelier the updated policy makes a sampled token. 1 means unchanged.' },
  { id: 'advantage', term: 'Advantage (A)', match: ['advantage', 'advantages'], definition: 'How much better an answer did than expected (than its group\'s mean, or than the critic\'s guess). Positive: made likelier; negative: less likely.' },
  { id: 'critic', term: 'Critic', match: ['critic'], definition: 'PPO\'s value network: it predicts the reward to come, giving the baseline that advantages are measured against. GRPO needs none.' },
  { id: 'group', term: 'Group (G)', match: ['group', 'groups'], definition: 'The G answers sampled for the same prompt. GRPO scores each against its group\'s mean reward.' },
  { id: 'clip', term: 'Clip (ε)', match: ['clip', 'clipped', 'clipping'], definition: 'PPO-Clip stops the gradient of a token once its ratio leaves [1 − ε_low, 1 + ε_high] in the direction its advantage pushes: no step too far from π_old.' },
  { id: 'kl', term: 'KL divergence', match: ['KL'], definition: 'A measure of how different two probability distributions are; 0 when they are the same. Here: between the policy and the reference, or π_old.' },
  { id: 'beta', term: 'β (KL coefficient)', match: ['β'], definition: 'Weight of the KL-to-reference penalty. β = 0 turns it off (and then no reference model is kept).' },
  { id: 'entropy', term: 'Entropy', match: ['entropy'], definition: 'How spread the policy\'s next-token probabilities are, in nats. High: unsure and exploring; near 0: always picks the same token.' },
  { id: 'token', term: 'Token', match: ['token', 'tokens'], definition: 'One unit of text the model reads or writes (here about a character or a word piece).' },
  { id: 'lmax', term: 'L_max', match: ['L_max'], definition: 'The most tokens an answer may have; an answer that reaches it is cut off (truncated).' },
  { id: 'ema', term: 'Smoothing (EMA)', match: ['smoothed', 'EMA'], definition: 'The bold line is an exponential moving average of the raw values (the faint line), to show the trend through the noise.' },
  { id: 'se', term: 'Standard error', match: ['standard error', 'SE'], definition: 'The noise of a measured share: p measured on n prompts is off by about √(p(1−p)/n). Two accuracies closer than ~2 SE of their difference may be the same.' },
  { id: 'held-out', term: 'Held-out (eval)', match: ['held-out', 'eval'], definition: 'Prompts never trained on. ID: like the training ones; visual shift: the same answers, in pictures training never shows (other sizes, colours, glyphs or noise); novel answers (OOD): answers training never shows (more objects, three digits, longer sides).' },
  { id: 'grad-norm', term: 'Gradient norm', match: ['gradient'], definition: 'The size of the step direction the loss gives; clipped to a maximum before the update.' },
  { id: 'lr', term: 'Learning rate (lr)', match: ['learning rate', 'lr'], definition: 'How big a step each update takes. Too big and training diverges (collapses).' },
  { id: 'epoch', term: 'Epochs and minibatches', match: ['epoch', 'epochs', 'minibatch', 'minibatches'], definition: 'PPO can reuse a rollout for several passes (epochs) in several slices (minibatches); then the ratio moves off 1 and clipping matters.' },
  { id: 'iteration', term: 'Iteration', match: ['iteration', 'iterations'], definition: 'One rollout and the update on it.' },
];

export type GlossaryPiece = string | { text: string; term: GlossaryTerm };

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** All spellings, longest first, so "π_ref" wins over "π". */
const SPELLINGS = GLOSSARY.flatMap((t) => t.match.map((m) => ({ m, t }))).sort((a, b) => b.m.length - a.m.length);
// Whole words: not inside another word (letters, digits, _ on either side).
const PATTERN = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${SPELLINGS.map((s) => escape(s.m)).join('|')})(?![\\p{L}\\p{N}_])`, 'gu');

/**
 * Split `text` into plain pieces and glossary terms. Each term is linked once (its first
 * appearance), so a note is not a wall of links. Case-insensitive for words, exact for symbols.
 */
export function linkGlossary(text: string): GlossaryPiece[] {
  const out: GlossaryPiece[] = [];
  const seen = new Set<string>();
  let last = 0;
  for (const m of text.matchAll(new RegExp(PATTERN.source, 'giu'))) {
    const hit = m[0];
    const found = SPELLINGS.find((s) => s.m === hit) ?? SPELLINGS.find((s) => /^[\p{L} -]+$/u.test(s.m) && s.m.toLowerCase() === hit.toLowerCase() && s.m !== 'SE' && s.m !== 'KL' && s.m !== 'EMA' && s.m !== 'lr');
    if (!found || seen.has(found.t.id)) continue;
    seen.add(found.t.id);
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ text: hit, term: found.t });
    last = m.index + hit.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export const glossaryTerm = (id: string): GlossaryTerm | undefined => GLOSSARY.find((t) => t.id === id);

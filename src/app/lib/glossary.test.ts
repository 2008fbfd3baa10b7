import { describe, expect, it } from 'vitest';
import { CHARTS } from '../charts/specs';
import { GLOSSARY, linkGlossary } from './glossary';

const terms = (text: string) => linkGlossary(text).flatMap((p) => (typeof p === 'string' ? [] : [p.term.id]));

describe('glossary linker', () => {
  it('links whole words, each term once, and keeps the text intact', () => {
    const text = 'The policy moves; the policy again, and its advantage.';
    const pieces = linkGlossary(text);
    expect(pieces.map((p) => (typeof p === 'string' ? p : p.text)).join('')).toBe(text);
    expect(terms(text)).toEqual(['policy', 'advantage']);
  });
  it('prefers the longest spelling (π_ref over π) and does not link inside words', () => {
    expect(terms('KL(π‖π_ref)')).toEqual(['kl', 'policy', 'reference']);
    expect(terms('groupSize clipboard critical')).toEqual([]);
    expect(terms('How far from π_old')).toEqual(['pi-old']);
  });
  it('matches words in any case but symbols and acronyms exactly', () => {
    expect(terms('Rollout and Clip')).toEqual(['rollout', 'clip']);
    expect(terms('kl in lower case, lr inside')).toEqual(['lr']);
    expect(terms('a SEA of se')).toEqual([]);
  });
  it('covers the terms the brief names and every chart explains something with one', () => {
    for (const id of ['rollout', 'policy', 'reference', 'pi-old', 'advantage', 'critic', 'clip', 'kl', 'group']) expect(GLOSSARY.some((t) => t.id === id)).toBe(true);
    for (const c of CHARTS) expect(c.explain.length, c.id).toBeGreaterThan(20);
    expect(new Set(GLOSSARY.map((t) => t.id)).size).toBe(GLOSSARY.length);
  });
});

import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FIELD_BY_PATH, ignoredKnob } from '../lib/fields';
import { ConfigField } from './ConfigField';

/** The field's markup as the page gets it (server-rendered: no DOM needed in this Node suite). */
function render(path: string, algorithm: 'grpo' | 'ppo' | 'trpo') {
  const spec = FIELD_BY_PATH.get(path)!;
  const html = renderToStaticMarkup(
    createElement(ConfigField, { spec, value: String(spec.defaultValue), error: undefined, fromPreset: false, ignored: ignoredKnob(algorithm, path), onChange: () => {} }),
  );
  return { html, doc: new Markup(html) };
}

/** Just enough of a parser for these assertions: attributes of the input, and the text by id. */
class Markup {
  constructor(readonly html: string) {}
  attr(tag: string, name: string): string | undefined {
    const m = new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(this.html);
    return m?.[1];
  }
  textOf(id: string): string {
    const m = new RegExp(`id="${id.replace(/[^\w-]/g, '\\$&')}"[^>]*>(.*?)</p>`).exec(this.html);
    return (m?.[1] ?? '').replace(/<[^>]+>/g, '');
  }
  label(): string {
    return (/<label\b[^>]*>(.*?)<\/label>/.exec(this.html)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  }
}

describe('ConfigField: a knob the algorithm ignores', () => {
  it('is dimmed and says so in its label and its description, and stays editable', () => {
    const { html, doc } = render('objective.gamma', 'grpo');
    expect(html).toContain('field-ignored');
    expect(doc.attr('div', 'data-ignored')).toBe('true');
    // The label (the input's accessible name) carries the mark...
    expect(doc.label()).toBe('gamma ignored by GRPO');
    // ...and the description screen readers read after it says why.
    const describedBy = doc.attr('input', 'aria-describedby')!;
    expect(doc.textOf(describedBy)).toMatch(/^GRPO does not read this knob: changing it changes nothing/);
    // Editable: neither disabled nor read-only.
    expect(html).not.toMatch(/<input[^>]*\s(disabled|readonly)/i);
  });

  it('a knob the algorithm reads carries no mark', () => {
    const { html, doc } = render('objective.gamma', 'ppo');
    expect(html).not.toContain('field-ignored');
    expect(doc.attr('div', 'data-ignored')).toBe('false');
    expect(doc.label()).toBe('gamma');
    expect(html).not.toContain('does not read this knob');
  });

  it('selects and checkboxes are marked the same way', () => {
    expect(render('objective.advantageScale', 'trpo').doc.label()).toBe('advantageScale ignored by TRPO');
    const check = render('objective.whitenAdvantages', 'grpo');
    expect(check.doc.label()).toBe('whitenAdvantages ignored by GRPO');
    expect(check.doc.attr('input', 'type')).toBe('checkbox');
  });
});

describe('ConfigField: the task picker', () => {
  it("describes the chosen task and its visual shift in the select's description", () => {
    const spec = FIELD_BY_PATH.get('task.task')!;
    const html = renderToStaticMarkup(createElement(ConfigField, { spec, value: 'count', error: undefined, fromPreset: false, ignored: null, onChange: () => {} }));
    const doc = new Markup(html);
    const text = doc.textOf(doc.attr('select', 'aria-describedby')!);
    expect(text).toContain('Count: Count the objects');
    expect(text).toMatch(/Visual shift: the same 0-5 objects, larger than any in training, on a background colour training never shows\./);
  });
});

import { linkGlossary } from '../lib/glossary';
import { openGlossary } from './Glossary';

/** Text with its glossary terms as links: hover shows the definition, a click opens the glossary at it. */
export function GlossaryText({ text }: { text: string }) {
  return (
    <>
      {linkGlossary(text).map((p, i) =>
        typeof p === 'string' ? (
          p
        ) : (
          <button key={i} type="button" className="glossary-link" title={`${p.term.term}: ${p.term.definition}`} data-term={p.term.id} onClick={() => openGlossary(p.term.id)}>
            <abbr title={p.term.definition}>{p.text}</abbr>
          </button>
        ),
      )}
    </>
  );
}

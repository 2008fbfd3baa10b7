import { useEffect, useRef, useState } from 'react';
import { GLOSSARY } from '../lib/glossary';

const OPEN_EVENT = 'rft:glossary';

/** Open the glossary popover, scrolled to `termId` if given (from any page: the header owns it). */
export function openGlossary(termId?: string): void {
  window.dispatchEvent(new CustomEvent<string | undefined>(OPEN_EVENT, { detail: termId }));
}

/** The header's Glossary button and its popover: every term the charts and explainers use. */
export function Glossary() {
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState<string | undefined>(undefined);
  const listRef = useRef<HTMLDListElement>(null);
  useEffect(() => {
    const onOpen = (e: Event) => {
      setFocus((e as CustomEvent<string | undefined>).detail);
      setOpen(true);
    };
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_EVENT, onOpen);
  }, []);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    window.addEventListener('keydown', onKey);
    if (focus) listRef.current?.querySelector(`[data-term="${focus}"]`)?.scrollIntoView({ block: 'nearest' });
    return () => window.removeEventListener('keydown', onKey);
  }, [open, focus]);
  return (
    <>
      <button type="button" className="glossary-button" data-testid="btn-glossary" aria-expanded={open} onClick={() => setOpen((o) => !o)} title="The words the charts and lessons use, in plain language">
        Glossary
      </button>
      {open && (
        <div className="glossary-popover" role="dialog" aria-label="Glossary" data-testid="glossary">
          <div className="glossary-head">
            <strong>Glossary</strong>
            <button type="button" onClick={() => setOpen(false)} aria-label="Close the glossary">
              ×
            </button>
          </div>
          <dl ref={listRef}>
            {GLOSSARY.map((t) => (
              <div key={t.id} data-term={t.id} className={t.id === focus ? 'glossary-focus' : undefined}>
                <dt>{t.term}</dt>
                <dd>{t.definition}</dd>
              </div>
            ))}
          </dl>
        </div>
      )}
    </>
  );
}

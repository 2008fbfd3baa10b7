import { useEffect, useRef, useState } from 'react';
import { GLOSSARY } from '../lib/glossary';

const OPEN_EVENT = 'rft:glossary';

/** Open the glossary popover, scrolled to `termId` if given (from any page: the header owns it). */
export function openGlossary(termId?: string): void {
  window.dispatchEvent(new CustomEvent<string | undefined>(OPEN_EVENT, { detail: termId }));
}

/**
 * The header's Glossary button and its popover: every term the charts and explainers use.
 * Focus follows it: opening moves focus into the dialog (onto the term asked for, else its
 * title), Escape or × closes it and puts focus back where it was (the button or the term link).
 */
export function Glossary() {
  const [open, setOpen] = useState(false);
  const [focus, setFocus] = useState<string | undefined>(undefined);
  const listRef = useRef<HTMLDListElement>(null);
  const titleRef = useRef<HTMLElement>(null);
  const returnTo = useRef<HTMLElement | null>(null);
  const show = (term?: string) => {
    const active = document.activeElement;
    returnTo.current = active instanceof HTMLElement && active !== document.body ? active : null;
    setFocus(term);
    setOpen(true);
  };
  const close = () => {
    setOpen(false);
    returnTo.current?.focus();
    returnTo.current = null;
  };
  const closeRef = useRef(close);
  closeRef.current = close;
  useEffect(() => {
    const onOpen = (e: Event) => show((e as CustomEvent<string | undefined>).detail);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_EVENT, onOpen);
  }, []);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') closeRef.current();
    };
    window.addEventListener('keydown', onKey);
    const term = focus ? listRef.current?.querySelector<HTMLElement>(`[data-term="${focus}"]`) : null;
    term?.scrollIntoView({ block: 'nearest' });
    (term ?? titleRef.current)?.focus();
    return () => window.removeEventListener('keydown', onKey);
  }, [open, focus]);
  return (
    <>
      <button
        type="button"
        className="glossary-button"
        data-testid="btn-glossary"
        aria-expanded={open}
        onClick={() => (open ? close() : show())}
        title="The words the charts and lessons use, in plain language"
      >
        Glossary
      </button>
      {open && (
        <div className="glossary-popover" role="dialog" aria-labelledby="glossary-title" data-testid="glossary">
          <div className="glossary-head">
            <strong id="glossary-title" ref={titleRef} tabIndex={-1}>
              Glossary
            </strong>
            <button type="button" onClick={close} aria-label="Close the glossary" data-testid="glossary-close">
              ×
            </button>
          </div>
          <dl ref={listRef}>
            {GLOSSARY.map((t) => (
              <div key={t.id} data-term={t.id} className={t.id === focus ? 'glossary-focus' : undefined} tabIndex={t.id === focus ? -1 : undefined} data-testid={`glossary-term-${t.id}`}>
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

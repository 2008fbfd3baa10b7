import { useRef, type KeyboardEvent } from 'react';

interface Tab<T extends string> {
  id: T;
  label: string;
  title?: string;
}

interface Props<T extends string> {
  /** The tablist's accessible name. */
  label: string;
  tabs: readonly Tab<T>[];
  selected: T;
  onSelect: (id: T) => void;
  /** Tab ids are `${idPrefix}-${tab.id}` (also their data-testid); the panel names its tab with it. */
  idPrefix: string;
  /** The id of the tabpanel the tabs control. */
  panelId: string;
  className?: string;
}

/** The tab id a tabpanel's aria-labelledby names. */
export const tabId = (idPrefix: string, id: string): string => `${idPrefix}-${id}`;

/**
 * The WAI-ARIA tabs pattern (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/), automatic
 * activation: one tab stop (the selected tab; the others tabindex -1), Left/Right arrows move to
 * the previous/next tab (wrapping) and select it, Home/End the first/last; aria-selected and
 * aria-controls on every tab. The caller renders the panel: role="tabpanel", id panelId,
 * aria-labelledby tabId(idPrefix, selected).
 */
export function TabList<T extends string>({ label, tabs, selected, onSelect, idPrefix, panelId, className }: Props<T>) {
  const refs = useRef(new Map<T, HTMLButtonElement>());
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1;
    const to = e.key === 'ArrowRight' ? (index === last ? 0 : index + 1) : e.key === 'ArrowLeft' ? (index === 0 ? last : index - 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : null;
    if (to === null) return;
    e.preventDefault();
    const next = tabs[to]!.id;
    onSelect(next);
    refs.current.get(next)?.focus();
  };
  return (
    <div className={className} role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            if (el) refs.current.set(t.id, el);
            else refs.current.delete(t.id);
          }}
          type="button"
          role="tab"
          id={tabId(idPrefix, t.id)}
          aria-selected={t.id === selected}
          aria-controls={panelId}
          tabIndex={t.id === selected ? 0 : -1}
          title={t.title}
          data-testid={tabId(idPrefix, t.id)}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKeyDown(e, i)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

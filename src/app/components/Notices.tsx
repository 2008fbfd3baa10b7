import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store';
import type { Notice } from '../store/uiSlice';

const LIFETIME_MS: Record<Notice['kind'], number | null> = { info: 6000, undo: 10_000, error: null };

function NoticeItem({ notice }: { notice: Notice }) {
  const { dismiss, undoLast } = useApp(useShallow((s) => ({ dismiss: s.dismiss, undoLast: s.undoLast })));
  useEffect(() => {
    const ms = LIFETIME_MS[notice.kind];
    if (ms === null) return;
    const t = setTimeout(() => dismiss(notice.id), ms);
    return () => clearTimeout(t);
  }, [notice, dismiss]);
  return (
    <li className={`notice notice-${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${notice.kind}`}>
      <span>{notice.text}</span>
      {notice.kind === 'undo' && (
        <button
          type="button"
          data-testid="btn-undo"
          onClick={() => {
            dismiss(notice.id);
            void undoLast();
          }}
        >
          Undo
        </button>
      )}
      <button type="button" className="notice-close" aria-label="Dismiss" onClick={() => dismiss(notice.id)}>
        ×
      </button>
    </li>
  );
}

/** Toasts: errors stay until dismissed; info and undo fade. */
export function Notices() {
  const notices = useApp((s) => s.notices);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-live="polite">
      {notices.map((n) => (
        <NoticeItem key={n.id} notice={n} />
      ))}
    </ul>
  );
}

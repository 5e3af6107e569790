import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { useLatest } from '../hooks/useLatest';

const FOCUSABLE = 'button:not([disabled]), a[href], input:not([disabled]), select, textarea';

/**
 * A modal dialog: takes focus (the element marked `data-autofocus`, else the dialog), keeps
 * Tab inside, closes on Escape and gives focus back to where it was.
 */
export function Dialog({
  title,
  role = 'dialog',
  onClose,
  children,
  description,
}: {
  title: string;
  role?: 'dialog' | 'alertdialog';
  onClose: () => void;
  children: ReactNode;
  description?: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const close = useLatest(onClose);

  useEffect(() => {
    const before = document.activeElement;
    // The marked control, else the dialog itself (so a long dialog opens at its title).
    (box.current?.querySelector<HTMLElement>('[data-autofocus]') ?? box.current)?.focus();
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close.current();
      return;
    }
    if (event.key !== 'Tab' || !box.current) return;
    const controls = [...box.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    const first = controls[0];
    const last = controls.at(-1);
    if (!first || !last) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === box.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="backdrop">
      <div
        ref={box}
        className="dialog"
        role={role}
        tabIndex={-1}
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId}>{title}</h2>
        {description && (
          <div id={descriptionId} className="dialog-description">
            {description}
          </div>
        )}
        {children}
      </div>
    </div>
  );
}

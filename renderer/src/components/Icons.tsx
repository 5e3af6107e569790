import type { ReactNode } from 'react';

function Icon({ children }: { children: ReactNode }) {
  return (
    <svg
      className="icon"
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

/** Inline icons (the CSP allows no external images); buttons carry the accessible name. */
export function ArrowUpIcon() {
  return (
    <Icon>
      <path d="M8 13V3M3.5 7.5 8 3l4.5 4.5" />
    </Icon>
  );
}

/** Move down. */
export function ArrowDownIcon() {
  return (
    <Icon>
      <path d="M8 3v10M3.5 8.5 8 13l4.5-4.5" />
    </Icon>
  );
}

/** Remove / close. */
export function CrossIcon() {
  return (
    <Icon>
      <path d="M4 4l8 8M12 4l-8 8" />
    </Icon>
  );
}

/** Edit. */
export function PencilIcon() {
  return (
    <Icon>
      <path d="M10.5 2.5l3 3L6 13H3v-3z" />
    </Icon>
  );
}

/** Delete. */
export function TrashIcon() {
  return (
    <Icon>
      <path d="M2.5 4h11M6 4V2.5h4V4M4 4l.7 9.5h6.6L12 4" />
    </Icon>
  );
}

/** Check the door (probe). */
export function PulseIcon() {
  return (
    <Icon>
      <path d="M1.5 8h3l1.5-4 3 8 1.5-4h4" />
    </Icon>
  );
}

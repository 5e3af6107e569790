/** Everything the keyboard can do in the window. */
export type ShortcutAction =
  | 'previous'
  | 'next'
  | 'first'
  | 'last'
  | 'open'
  | 'close'
  | 'ssh'
  | 'probe'
  | 'edit'
  | 'new'
  | 'delete'
  | 'cancel'
  | 'profiles'
  | 'history'
  | 'transfer'
  | 'settings'
  | 'help';

/** The shortcuts as the "Keyboard shortcuts" dialog lists them (one source for keys and help). */
export const SHORTCUTS: readonly { keys: string; action: ShortcutAction; does: string }[] = [
  { keys: 'Up / Down', action: 'next', does: 'Select the previous or next profile' },
  { keys: 'Home / End', action: 'first', does: 'Select the first or last profile' },
  { keys: 'Enter', action: 'open', does: 'Open: knock the selected profile open' },
  { keys: 'C', action: 'close', does: 'Close: knock the close sequence' },
  { keys: 'S', action: 'ssh', does: 'Open SSH to the selected profile' },
  { keys: 'P', action: 'probe', does: 'Check the door (probe the service port)' },
  { keys: 'E', action: 'edit', does: 'Edit the selected profile' },
  { keys: 'N', action: 'new', does: 'New profile' },
  { keys: 'Delete', action: 'delete', does: 'Delete the selected profile (asks first)' },
  {
    keys: 'Esc',
    action: 'cancel',
    does: 'Cancel the running knock, leave the editor, close a dialog',
  },
  { keys: '1 / 2 / 3', action: 'profiles', does: 'Profiles, History, Import & export' },
  { keys: 'Ctrl+,', action: 'settings', does: 'Settings' },
  { keys: '?', action: 'help', does: 'Show these shortcuts' },
];

/** The parts of a keyboard event the shortcuts look at (a DOM KeyboardEvent fits). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

const TYPING_INPUTS = new Set([
  'text',
  'search',
  'email',
  'number',
  'password',
  'tel',
  'url',
  'date',
  'time',
  'file',
]);

/** True when keys typed at `target` are text (letters must not trigger shortcuts there). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && TYPING_INPUTS.has(target.type);
}

/** True when Enter at `target` already does something (press a button, follow a link, tick a box). */
function activatesOnEnter(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    isTyping(target) ||
    target instanceof HTMLButtonElement ||
    target instanceof HTMLAnchorElement ||
    target instanceof HTMLInputElement ||
    target.tagName === 'SUMMARY'
  );
}

const LETTERS: Readonly<Record<string, ShortcutAction>> = {
  c: 'close',
  s: 'ssh',
  p: 'probe',
  e: 'edit',
  n: 'new',
  '1': 'profiles',
  '2': 'history',
  '3': 'transfer',
  '?': 'help',
};

/** The action a key press asks for, or undefined when the key belongs to the focused control. */
export function shortcutFor(press: KeyPress): ShortcutAction | undefined {
  const command = press.ctrlKey || press.metaKey;
  if (command && !press.altKey && press.key === ',') return 'settings';
  if (press.key === 'Escape') return 'cancel';
  if (command && press.key === 'Backspace' && !isTyping(press.target)) return 'delete';
  if (command || press.altKey || isTyping(press.target)) return undefined;
  switch (press.key) {
    case 'ArrowUp':
      return 'previous';
    case 'ArrowDown':
      return 'next';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case 'Delete':
      return 'delete';
    case 'Enter':
      return activatesOnEnter(press.target) ? undefined : 'open';
    default:
      return LETTERS[press.key.toLowerCase()];
  }
}

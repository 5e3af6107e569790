import { z } from 'zod';
import { isRecord } from '../basics';
import { fieldName, fieldProblems, type FieldProblem } from '../field-problems';
import { hasHiddenCharacters, hiddenMessage } from '../profile/visible-text';
import { terminalIds } from './terminals';

/** Which terminal "Open SSH" uses: the platform's search order, a named one, or a command of the user's. */
export const terminalSettingSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('auto') }),
  z.strictObject({ kind: z.literal('named'), id: z.enum(terminalIds) }),
  z.strictObject({
    kind: z.literal('custom'),
    command: z
      .string()
      .trim()
      .min(1, 'terminal command is empty')
      .refine((v) => !v.startsWith('-'), 'terminal command must not start with "-"')
      .refine((v) => !hasHiddenCharacters(v), hiddenMessage('terminal command')),
  }),
]);

/** The user's settings, as the window saves them and `settings.json` holds them. */
export const settingsSchema = z.strictObject({
  terminal: terminalSettingSchema,
  notifications: z.boolean(),
  encryptSequences: z.boolean(),
  /**
   * When the terminal cannot tell Sesame that ssh ended (it hands the session to another process),
   * close the door this many minutes after Open SSH; 0 leaves it open.
   */
  closeAfterMinutes: z
    .number()
    .int('close after: a whole number of minutes')
    .min(0, 'close after: 0 (never) or more minutes')
    .max(1440, 'close after: at most 1440 minutes (a day)'),
});

/** The user's settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** The settings a fresh install starts with. */
export const defaultSettings: Settings = {
  terminal: { kind: 'auto' },
  notifications: true,
  encryptSequences: true,
  closeAfterMinutes: 0,
};

/** What `settingsFrom` found: the settings to use, what was wrong, and the keys it did not know. */
export interface SettingsRead {
  settings: Settings;
  /** The stored values that were invalid (each replaced by its default). */
  problems: FieldProblem[];
  /** Keys this version does not know (a newer Sesame's): ignored, and written back as they were. */
  unknown: Record<string, unknown>;
}

/**
 * Settings read back from a file: each valid value kept, a missing or invalid one replaced by its
 * default (an invalid one named in `problems`, its field under `prefix`), and keys this version does
 * not know set aside, so one bad or newer value never costs the user every other setting.
 */
export function settingsFrom(stored: unknown, prefix = ''): SettingsRead {
  const problems: FieldProblem[] = [];
  if (stored !== undefined && !isRecord(stored))
    problems.push({ field: prefix, message: 'expected an object of settings' });
  const values = isRecord(stored) ? stored : {};
  const valueOf = <K extends keyof Settings>(key: K): Settings[K] => {
    if (!(key in values)) return defaultSettings[key];
    const parsed = settingsSchema.shape[key].safeParse(values[key]);
    if (parsed.success) return parsed.data as Settings[K];
    problems.push(...fieldProblems(parsed.error, fieldName([key], prefix)));
    return defaultSettings[key];
  };
  const settings: Settings = {
    terminal: valueOf('terminal'),
    notifications: valueOf('notifications'),
    encryptSequences: valueOf('encryptSequences'),
    closeAfterMinutes: valueOf('closeAfterMinutes'),
  };
  const known = Object.keys(settingsSchema.shape);
  const unknown = Object.fromEntries(Object.entries(values).filter(([k]) => !known.includes(k)));
  return { settings, problems, unknown };
}

import { z } from 'zod';
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
      .refine((v) => !/[\p{Cc}]/u.test(v), 'terminal command must not contain control characters'),
  }),
]);

/** The user's settings, as the window saves them and `settings.json` holds them. */
export const settingsSchema = z.strictObject({
  terminal: terminalSettingSchema,
  notifications: z.boolean(),
  encryptSequences: z.boolean(),
});

/** The user's settings. */
export type Settings = z.infer<typeof settingsSchema>;

/** The settings a fresh install starts with. */
export const defaultSettings: Settings = {
  terminal: { kind: 'auto' },
  notifications: true,
  encryptSequences: true,
};

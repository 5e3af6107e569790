import { z } from 'zod';
import type { KnockOutcome, KnockProgressEvent, ProbeView } from '../door/outcome';
import type { FieldProblem } from '../field-problems';
import { checkOpenWay, profileFields, type Profile } from '../profile/profile';
import { rotatingSequenceSchema } from '../rotating/rotating-sequence';
import { settingsSchema, type Settings } from '../settings/settings';
import type { TerminalId } from '../settings/terminals';
import type { EventChannel, RequestChannel } from './channels';

export {
  apiPath,
  eventChannelNames,
  isEventChannel,
  requestChannelNames,
  type EventChannel,
  type RequestChannel,
} from './channels';

/** Carries a channel's result type in the table; it has no runtime content. */
interface ResultOf<T> {
  readonly __result?: T;
}

function resultOf<T>(): ResultOf<T> {
  return {};
}

interface ChannelSpec {
  input: z.ZodType;
  result: ResultOf<unknown>;
}

const profileId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'id may hold only letters, digits, _ and -');
const byId = z.strictObject({ id: profileId });

/** A profile as the editor sends it: everything but the id, validated with the profile schema. */
export const profileDraftSchema = profileFields.omit({ id: true }).superRefine(checkOpenWay);

/** A profile being edited, before it has been saved (no id yet for a new one). */
export type ProfileDraft = z.input<typeof profileDraftSchema>;

/** Every request channel the renderer may call: its input schema and its result type. */
export const requestChannels = {
  'app:info': { input: z.undefined(), result: resultOf<AppInfo>() },
  'profiles:list': { input: z.undefined(), result: resultOf<ProfilesView>() },
  'profiles:get': { input: byId, result: resultOf<Profile>() },
  'profiles:save': {
    input: z.strictObject({ id: profileId.optional(), profile: profileDraftSchema }),
    result: resultOf<Profile>(),
  },
  'profiles:delete': { input: byId, result: resultOf<{ id: string; name: string }>() },
  'profiles:import': {
    input: z.strictObject({
      format: z.enum(['json', 'knockd', 'fwknoprc']),
      text: z.string().max(1_000_000, 'the text to import is larger than 1 MB'),
      /** The host the doors of a knockd.conf are on (a knockd.conf never names its own host). */
      host: z.string().optional(),
      replace: z.boolean().optional(),
      /** Only report what would be imported. */
      dryRun: z.boolean().optional(),
    }),
    result: resultOf<ImportView>(),
  },
  'profiles:export': {
    input: z.strictObject({ ids: z.array(profileId).optional() }).optional(),
    result: resultOf<{ json: string; count: number }>(),
  },
  /** Open, Close or Open SSH: answers with the run's id; progress and the outcome come as events. */
  'knock:run': {
    input: z.strictObject({
      profileId,
      action: z.enum(['open', 'close', 'ssh']),
      reknock: z.boolean().optional(),
    }),
    result: resultOf<{ runId: string }>(),
  },
  'knock:cancel': { input: byId, result: resultOf<{ cancelled: boolean }>() },
  'knock:history': { input: z.undefined(), result: resultOf<KnockOutcome[]>() },
  'probe:run': { input: byId, result: resultOf<ProbeView>() },
  'settings:get': { input: z.undefined(), result: resultOf<SettingsView>() },
  'settings:save': { input: settingsSchema, result: resultOf<SettingsView>() },
  /** A profile's Host block in ~/.ssh/config ("Use with ssh, scp and git"): see, add, remove. */
  'sshConfig:view': { input: byId, result: resultOf<SshConfigView>() },
  'sshConfig:add': { input: byId, result: resultOf<SshConfigView>() },
  'sshConfig:remove': { input: byId, result: resultOf<SshConfigView>() },
  /** The current step's knocks of a rotating sequence being edited, and when the next step starts. */
  'rotating:preview': { input: rotatingSequenceSchema, result: resultOf<RotatingPreview>() },
  /** The sesame://rotating links the app was opened with and the window has not taken yet. */
  'links:take': { input: z.undefined(), result: resultOf<string[]>() },
} as const satisfies Record<RequestChannel, ChannelSpec>;

/** What the window shows about the running app (version, platform). */
export interface AppInfo {
  name: string;
  version: string;
  platform: string;
}

/** The saved profiles, and what went wrong reading the file if anything did. */
export interface ProfilesView {
  profiles: Profile[];
  /** Where the profiles live (the same file the `sesame` CLI uses). */
  storePath: string;
  /** Something the user should know (a migrated file, a file moved aside, a newer version). */
  problem?: string;
}

/** What an import did (or, with dryRun, would do). */
export interface ImportView {
  profiles: Profile[];
  /** Names of saved profiles replaced by the import. */
  replaced: string[];
  /** How doors were paired and anything skipped, one line each. */
  notes: string[];
  dryRun: boolean;
}

/** Which safeStorage backend protects the sequences, and whether they are encrypted at all. */
export interface EncryptionView {
  /** Electron's name for the backend (`keychain`, `dpapi`, `gnome_libsecret`, `kwallet5`, `basic_text`, ...). */
  backend: string;
  /** True when the backend is a real OS secret store. */
  secure: boolean;
  /** True when sequences are written encrypted (setting on and a secure backend present). */
  encrypted: boolean;
  /** Said when sequences are in plain text (no backend, or the setting is off). */
  warning?: string;
}

/** A terminal the settings screen can offer. */
export interface TerminalChoice {
  id: TerminalId;
  label: string;
  available: boolean;
}

/** The settings screen's data. */
export interface SettingsView {
  settings: Settings;
  encryption: EncryptionView;
  terminals: TerminalChoice[];
  /** The terminal Open SSH would start now, and whether it waits for ssh (so the door can close). */
  terminalInUse?: { ok: true; label: string; waits: boolean } | { ok: false; error: string };
}

/** A profile's Host block in the user's ssh config, as the editor shows it. */
export interface SshConfigView {
  /** The alias (`ssh NAME`): the profile's name. */
  alias: string;
  /** The ssh config file Sesame edits (~/.ssh/config). */
  file: string;
  /** The block Add writes, or why this profile cannot have one (a name that is no ssh alias...). */
  block: { ok: true; lines: string[] } | { ok: false; error: string };
  /** The file holds no block for the alias, this very block, or an older one (Add updates it). */
  state: 'absent' | 'current' | 'outdated';
  /** What reading the file ran into (a second Sesame section, no permission...). */
  problem?: string;
  /** What Add or Remove just did, one sentence (with where the previous file was kept). */
  done?: string;
}

/** A rotating sequence's knocks in the current step, for the editor's preview and countdown. */
export interface RotatingPreview {
  /** This step's knocks in knockd's syntax (`12066,11448,27804,27932`). */
  sequence: string;
  /** When the next step starts: wall-clock milliseconds since the epoch. */
  nextStepAt: number;
}

/** Every event main sends to the window, with its payload type. */
export interface EventPayloads {
  'knock:progress': KnockProgressEvent;
  'knock:finished': KnockOutcome;
  'profiles:changed': ProfilesView;
  /** A sesame://rotating link opened the app: `links:take` hands it over. */
  'links:opened': { pending: number };
}

/** Input type of a channel, derived from its schema. */
export type RequestInput<C extends RequestChannel> = z.input<(typeof requestChannels)[C]['input']>;

/** Input of a channel after parsing (defaults applied), as the handler receives it. */
export type ParsedInput<C extends RequestChannel> = z.output<(typeof requestChannels)[C]['input']>;

/** Result type of a channel. */
export type RequestResult<C extends RequestChannel> =
  (typeof requestChannels)[C]['result'] extends ResultOf<infer T> ? T : never;

/** An expected failure: a code the page can branch on, a message for the user, the bad fields. */
export interface IpcError {
  code: string;
  message: string;
  problems?: FieldProblem[];
}

/** Expected failures travel as values, never as thrown errors across IPC. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** An expected failure of a channel, with no field problems. */
export function ipcFailure(code: string, message: string): { ok: false; error: IpcError } {
  return { ok: false, error: { code, message } };
}

/** Subscribes to one event; returns the function that unsubscribes. */
export type Subscribe = <E extends EventChannel>(
  event: E,
  listener: (payload: EventPayloads[E]) => void,
) => () => void;

/** The typed API object the preload exposes as `window.sesame`, derived from the table. */
export type SesameApi = {
  [C in RequestChannel as ChannelGroup<C>]: {
    [K in RequestChannel as ChannelGroup<K> extends ChannelGroup<C> ? ChannelMethod<K> : never]: (
      ...args: undefined extends RequestInput<K>
        ? [input?: RequestInput<K>]
        : [input: RequestInput<K>]
    ) => Promise<IpcResult<RequestResult<K>>>;
  };
} & { on: Subscribe };

type ChannelGroup<C extends string> = C extends `${infer G}:${string}` ? G : never;
type ChannelMethod<C extends string> = C extends `${string}:${infer M}` ? M : never;

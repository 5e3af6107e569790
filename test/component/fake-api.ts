// A typed, in-memory SesameApi for component tests: profiles and settings kept in memory, inputs
// parsed with the contract's schemas as main's IPC layer does, failures scripted per channel; the
// knocks and events come from FakeKnocks.
import {
  requestChannels,
  type AppInfo,
  type IpcError,
  type IpcResult,
  type ProfilesView,
  type RequestChannel,
  type RequestInput,
  type RequestResult,
  type SesameApi,
  type SettingsView,
} from '../../shared/ipc/contract';
import { fieldProblems, problemLine, type FieldProblem } from '../../shared/field-problems';
import { importKnockdConfig } from '../../shared/knockd/import';
import { importFwknoprc } from '../../shared/spa/fwknoprc-import';
import { readExport, writeExport } from '../../shared/profile/export-file';
import { parseProfile, type Profile } from '../../shared/profile/profile';
import { hostBlock } from '../../shared/ssh-config/host-block';
import {
  dropHostBlock,
  findHostBlock,
  putHostBlock,
} from '../../shared/ssh-config/managed-section';
import { rotatingSequenceSchema } from '../../shared/rotating/rotating-sequence';
import { stepAt } from '../../shared/rotating/derive';
import { msToNextStep } from '../../shared/rotating/window';
import { defaultSettingsView } from './fixtures';
import { FakeKnocks } from './fake-knocks';

/** One request the page made: the channel and its input as sent. */
export interface Call {
  channel: RequestChannel;
  input: unknown;
}

function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

function fail(
  code: string,
  message: string,
  problems?: FieldProblem[],
): { ok: false; error: IpcError } {
  return { ok: false, error: { code, message, ...(problems ? { problems } : {}) } };
}

/** The fake main process behind a SesameApi. */
export class FakeSesame extends FakeKnocks {
  readonly calls: Call[] = [];
  profiles: Profile[];
  settingsView: SettingsView = defaultSettingsView();
  /** When set, `settings:get` answers only once this promise resolves (a slow main process). */
  settingsGate: Promise<void> | undefined;
  info: AppInfo = { name: 'Sesame', version: '9.9.9', platform: 'linux' };
  storePath = '/home/user/.config/sesame/profiles.json';
  /** The fake ~/.ssh/config: its path and text (the real section functions edit it). */
  sshConfigFile = '/home/user/.ssh/config';
  sshConfigText = '';
  /** Channels that answer with this error instead of doing their work. */
  readonly failures = new Map<RequestChannel, IpcError>();
  readonly api: SesameApi;
  /**
   * The wall clock `rotating:preview` reads. Its answer is a stand-in that names the label and
   * the step (`fake open step 58907520`): the HMAC derivation is main's (door-knocks tests), and
   * these tests are about what the editor does with the answer.
   */
  wallNow: () => number = () => Date.now();
  /** sesame://rotating links waiting for `links:take`. */
  pendingLinks: string[] = [];
  private ids = 0;

  constructor(profiles: Profile[] = []) {
    super();
    this.profiles = [...profiles];
    this.api = this.build();
  }

  private preview(sequence: { label: string; stepSeconds: number }) {
    const now = this.wallNow();
    return {
      sequence: `fake ${sequence.label} step ${String(stepAt(now / 1000, sequence.stepSeconds))}`,
      nextStepAt: now + msToNextStep(now, sequence.stepSeconds),
    };
  }

  /** Opens the app with a link, as a click on it would: kept, then announced. */
  openLink(link: string): void {
    this.pendingLinks.push(link);
    this.emit('links:opened', { pending: this.pendingLinks.length });
  }

  /** Inputs of every call on one channel, in order. */
  inputs<C extends RequestChannel>(channel: C): RequestInput<C>[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.input as RequestInput<C>);
  }

  /** The view `profiles:list` answers and `profiles:changed` carries. */
  view(): ProfilesView {
    return { profiles: [...this.profiles], storePath: this.storePath };
  }

  private changed<T>(value: T): IpcResult<T> {
    this.emit('profiles:changed', this.view());
    return ok(value);
  }

  private save(input: RequestInput<'profiles:save'>): IpcResult<Profile> {
    const id = input.id ?? `p${++this.ids}`;
    const parsed = parseProfile({ ...input.profile, id });
    if (!parsed.ok) return fail('invalid', parsed.problems.map(problemLine).join('\n'));
    const taken = this.profiles.find(
      (p) => p.id !== id && p.name.toLowerCase() === parsed.value.name.toLowerCase(),
    );
    if (taken)
      return fail('name-taken', `profile name already taken: "${taken.name}"`, [
        { field: 'profile.name', message: `"${taken.name}" is taken` },
      ]);
    const at = this.profiles.findIndex((p) => p.id === id);
    if (at === -1) this.profiles.push(parsed.value);
    else this.profiles[at] = parsed.value;
    return this.changed(parsed.value);
  }

  private import(
    input: RequestInput<'profiles:import'>,
  ): IpcResult<RequestResult<'profiles:import'>> {
    let items: unknown[];
    let notes: string[] = [];
    if (input.format === 'knockd') {
      if (!input.host?.trim())
        return fail('invalid', 'host: the host the knockd.conf doors are on is required');
      const result = importKnockdConfig(input.text, { host: input.host.trim() });
      if (!result.ok) return fail('invalid', result.error);
      items = result.profiles;
      notes = result.notes;
    } else if (input.format === 'fwknoprc') {
      const result = importFwknoprc(input.text);
      if (!result.ok) return fail('invalid', result.error);
      items = result.profiles;
      notes = result.notes;
    } else {
      const read = readExport(JSON.parse(input.text));
      if (!read.ok) return fail('invalid', read.error);
      items = read.value;
    }
    const parsed = items.map((item, i) =>
      parseProfile({ id: `p${++this.ids}`, ...(item as object) }, `profiles[${String(i)}]`),
    );
    const bad = parsed.flatMap((r) => (r.ok ? [] : r.problems));
    if (bad.length > 0) return fail('invalid', bad.map(problemLine).join('\n'), bad);
    const profiles = parsed.flatMap((r) => (r.ok ? [r.value] : []));
    const clashes = this.profiles.filter((p) =>
      profiles.some((q) => q.name.toLowerCase() === p.name.toLowerCase()),
    );
    if (clashes.length > 0 && input.replace !== true) {
      return fail(
        'name-taken',
        `profile name already taken: ${clashes.map((p) => `"${p.name}"`).join(', ')}`,
      );
    }
    const view = {
      profiles,
      replaced: clashes.map((p) => p.name),
      notes,
      dryRun: input.dryRun === true,
    };
    if (input.dryRun === true) return ok(view);
    this.profiles = [...this.profiles.filter((p) => !clashes.includes(p)), ...profiles];
    return this.changed(view);
  }

  /** The ssh config channels over the fake file, with the block the real CLI would write. */
  private sshConfig(
    channel: 'sshConfig:view' | 'sshConfig:add' | 'sshConfig:remove',
    profile: Profile,
  ): IpcResult<RequestResult<'sshConfig:view'>> {
    const file = this.sshConfigFile;
    const made = hostBlock(profile, ['/usr/bin/sesame'], 'posix');
    let done: string | undefined;
    if (channel === 'sshConfig:add' && made.ok) {
      const put = putHostBlock(this.sshConfigText, profile.name, made.value, file);
      if (!put.ok) return fail('io', put.error);
      this.sshConfigText = put.value;
      done = `Wrote Host ${profile.name} to ${file}.`;
    }
    if (channel === 'sshConfig:remove') {
      const dropped = dropHostBlock(this.sshConfigText, profile.name, file);
      if (!dropped.ok) return fail('io', dropped.error);
      this.sshConfigText = dropped.value.text;
      done = `Removed Host ${profile.name} from ${file}.`;
    }
    const now = findHostBlock(this.sshConfigText, profile.name, file);
    const lines = now.ok ? now.value : undefined;
    const block = made.ok
      ? { ok: true as const, lines: made.value }
      : { ok: false as const, error: made.error };
    const same = made.ok && lines?.join('\n') === made.value.join('\n');
    return ok({
      alias: profile.name,
      file,
      block,
      state: lines === undefined ? 'absent' : same ? 'current' : 'outdated',
      ...(now.ok ? {} : { problem: now.error }),
      ...(done ? { done } : {}),
    });
  }

  private handle<C extends RequestChannel>(
    channel: C,
    raw: unknown,
  ): Promise<IpcResult<RequestResult<C>>> {
    this.calls.push({ channel, input: raw });
    const failure = this.failures.get(channel);
    if (failure) return Promise.resolve({ ok: false, error: failure });
    const parsed = requestChannels[channel].input.safeParse(raw);
    if (!parsed.success) {
      const problems = fieldProblems(parsed.error);
      return Promise.resolve(
        fail('invalid', `${channel}: ${problems.map(problemLine).join('; ')}`, problems),
      );
    }
    return this.answer(channel, raw) as Promise<IpcResult<RequestResult<C>>>;
  }

  private answer(channel: RequestChannel, input: unknown): Promise<IpcResult<unknown>> {
    const byId = (id: string) => this.profiles.find((p) => p.id === id);
    const given = input as { id: string };
    switch (channel) {
      case 'app:info':
        return Promise.resolve(ok(this.info));
      case 'profiles:list':
        return Promise.resolve(ok(this.view()));
      case 'profiles:get': {
        const found = byId(given.id);
        return Promise.resolve(
          found ? ok(found) : fail('not-found', `no profile with id ${given.id}`),
        );
      }
      case 'profiles:save':
        return Promise.resolve(this.save(input as RequestInput<'profiles:save'>));
      case 'profiles:delete': {
        const found = byId(given.id);
        if (!found) return Promise.resolve(fail('not-found', `no profile with id ${given.id}`));
        this.profiles = this.profiles.filter((p) => p !== found);
        return Promise.resolve(this.changed({ id: found.id, name: found.name }));
      }
      case 'profiles:import':
        return Promise.resolve(this.import(input as RequestInput<'profiles:import'>));
      case 'profiles:export': {
        const json = writeExport(this.profiles);
        return Promise.resolve(ok({ json, count: this.profiles.length }));
      }
      case 'knock:run': {
        const { profileId, action } = input as RequestInput<'knock:run'>;
        return this.knock(profileId, byId(profileId), action);
      }
      case 'knock:cancel':
        return Promise.resolve(ok({ cancelled: this.held.some((r) => r.profile.id === given.id) }));
      case 'knock:history':
        return Promise.resolve(ok([...this.history]));
      case 'probe:run': {
        const found = byId(given.id);
        if (!found) return Promise.resolve(fail('not-found', `no profile with id ${given.id}`));
        return Promise.resolve(ok(this.probe(found, this.probeStates.get(found.id) ?? 'closed')));
      }
      case 'sshConfig:view':
      case 'sshConfig:add':
      case 'sshConfig:remove': {
        const found = byId(given.id);
        if (!found) return Promise.resolve(fail('not-found', `no profile with id ${given.id}`));
        return Promise.resolve(this.sshConfig(channel, found));
      }
      case 'rotating:preview':
        return Promise.resolve(ok(this.preview(rotatingSequenceSchema.parse(input))));
      case 'links:take': {
        const links = this.pendingLinks;
        this.pendingLinks = [];
        return Promise.resolve(ok(links));
      }
      case 'settings:get':
        return (this.settingsGate ?? Promise.resolve()).then(() => ok(this.settingsView));
      case 'settings:save': {
        const settings = input as SettingsView['settings'];
        const encrypted = settings.encryptSequences && this.settingsView.encryption.secure;
        this.settingsView = {
          ...this.settingsView,
          settings,
          encryption: { ...this.settingsView.encryption, encrypted },
        };
        return Promise.resolve(ok(this.settingsView));
      }
    }
  }

  private build(): SesameApi {
    const call =
      <C extends RequestChannel>(channel: C) =>
      (input?: unknown) =>
        this.handle(channel, input);
    return {
      app: { info: call('app:info') },
      profiles: {
        list: call('profiles:list'),
        get: call('profiles:get'),
        save: call('profiles:save'),
        delete: call('profiles:delete'),
        import: call('profiles:import'),
        export: call('profiles:export'),
      },
      knock: {
        run: call('knock:run'),
        cancel: call('knock:cancel'),
        history: call('knock:history'),
      },
      probe: { run: call('probe:run') },
      settings: { get: call('settings:get'), save: call('settings:save') },
      sshConfig: {
        view: call('sshConfig:view'),
        add: call('sshConfig:add'),
        remove: call('sshConfig:remove'),
      },
      rotating: { preview: call('rotating:preview') },
      links: { take: call('links:take') },
      on: (event, listener) => {
        const set = this.listeners.get(event) ?? new Set();
        set.add(listener);
        this.listeners.set(event, set);
        return () => {
          set.delete(listener);
        };
      },
    };
  }
}

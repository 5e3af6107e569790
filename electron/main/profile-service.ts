import {
  ipcFailure,
  type ImportView,
  type IpcError,
  type IpcResult,
  type ProfileDraft,
  type ProfilesView,
} from '../../shared/ipc/contract';
import type { importKnockdConfig } from '../../shared/knockd/import';
import { importFwknoprc } from '../../shared/spa/fwknoprc-import';
import { parseJsonText } from '../node/json-text';
import { prefixProblems, problemLine, type FieldProblem } from '../../shared/field-problems';
import { parseProfile, type Profile } from '../../shared/profile/profile';
import { readExport, writeExport } from '../../shared/profile/export-file';
import type { ProfileStore, StoreError, StoreResult } from '../node/profile-store';
import type { Logger } from '../node/logger';
import { lockedMessage } from '../node/profile-sealing';
import { Listeners } from './listeners';

/** What the profile service needs: the shared store and the knockd.conf importer. */
export interface ProfileServiceDeps {
  store: ProfileStore;
  importKnockd: typeof importKnockdConfig;
  logger: Logger;
  newId: () => string;
}

/** What `profiles:import` asks for. */
export interface ImportRequest {
  format: 'json' | 'knockd' | 'fwknoprc';
  text: string;
  host?: string | undefined;
  replace?: boolean | undefined;
  dryRun?: boolean | undefined;
}

/**
 * The window's and tray's face of the profile file the CLI uses too: every call reads the file
 * fresh, so a change made by `sesame profiles ...` is what the next call sees; `changed` fires after
 * our own writes and when the file changes underneath (the app calls `fileChanged`).
 */
export class ProfileService {
  /** The profiles after every change, ours or another process's. */
  readonly changed = new Listeners<ProfilesView>();
  /** A profile deleted through this service (its history goes with it). */
  readonly removed = new Listeners<{ id: string; name: string }>();
  private lastProblem: string | undefined;

  constructor(private readonly deps: ProfileServiceDeps) {}

  /** The saved profiles and, when the file could not be read as it was, why. */
  view(): ProfilesView {
    const loaded = this.deps.store.load();
    if (!loaded.ok) this.lastProblem = loaded.error.message;
    else if (loaded.notice) this.lastProblem = loaded.notice;
    const locked = this.deps.store.locked();
    const problem = [this.lastProblem, ...locked.map(lockedMessage)].filter(Boolean).join('\n');
    return {
      profiles: [...this.deps.store.list()],
      storePath: this.deps.store.path,
      ...(problem ? { problem } : {}),
    };
  }

  /** One profile by id. */
  get(id: string): IpcResult<Profile> {
    const loaded = this.deps.store.load();
    if (!loaded.ok) return storeFailure(loaded.error);
    const profile = this.deps.store.list().find((p) => p.id === id);
    return profile ? { ok: true, value: profile } : notFound(id);
  }

  /** Saves the editor's draft: a new profile without id, else every field of that profile. */
  save(id: string | undefined, draft: ProfileDraft): IpcResult<Profile> {
    const result =
      id === undefined
        ? this.deps.store.add(draft)
        : this.deps.store.update(id, {
            name: draft.name,
            host: draft.host,
            family: draft.family,
            open: draft.open,
            close: draft.close,
            spa: draft.spa,
            delayMs: draft.delayMs,
            servicePort: draft.servicePort,
            notes: draft.notes,
            ssh: {
              user: draft.ssh?.user,
              port: draft.ssh?.port,
              identityFile: draft.ssh?.identityFile,
            },
          });
    return this.afterChange(result, 'profile');
  }

  /** Deletes one profile. */
  remove(id: string): IpcResult<{ id: string; name: string }> {
    const result = this.afterChange(this.deps.store.remove(id));
    if (!result.ok) return result;
    const removed = { id: result.value.id, name: result.value.name };
    this.removed.emit(removed);
    return { ok: true, value: removed };
  }

  /** Imports a JSON export (or a profile file, or a bare array), a knockd.conf's doors or a
   * .fwknoprc's stanzas (profiles that open with SPA). */
  import(request: ImportRequest): IpcResult<ImportView> {
    const items = this.itemsToImport(request);
    if (!items.ok) return items;
    const { profiles: incoming, notes } = items.value;
    const parsed = incoming.map((item, i) => {
      const withId =
        typeof item === 'object' && item !== null && !('id' in item)
          ? { ...item, id: this.deps.newId() }
          : item;
      return parseProfile(withId, `profiles[${String(i)}]`);
    });
    const problems = parsed.flatMap((result) => (result.ok ? [] : result.problems));
    if (problems.length > 0) return invalid(problems);
    const valid = parsed.flatMap((result) => (result.ok ? [result.value] : []));
    const dryRun = request.dryRun === true;
    const imported = this.deps.store.importMany(valid, {
      replace: request.replace === true,
      dryRun,
    });
    const done = dryRun ? storeResult(imported) : this.afterChange(imported);
    if (!done.ok) return done;
    return {
      ok: true,
      value: {
        profiles: done.value.imported,
        replaced: done.value.replaced.map((p) => p.name),
        notes,
        dryRun,
      },
    };
  }

  /** The profiles (all, or the ids given) as a JSON profile file, sequences in clear. */
  export(ids?: readonly string[]): IpcResult<{ json: string; count: number }> {
    const loaded = this.deps.store.load();
    if (!loaded.ok) return storeFailure(loaded.error);
    const all = this.deps.store.list();
    const missing = (ids ?? []).filter((id) => !all.some((p) => p.id === id));
    if (missing.length > 0) return notFound(missing.join(', '));
    const profiles = ids ? all.filter((p) => ids.includes(p.id)) : [...all];
    return { ok: true, value: { json: writeExport(profiles), count: profiles.length } };
  }

  /** Called when the file changed outside this process (the CLI, another editor). */
  fileChanged(): void {
    this.lastProblem = undefined;
    const loaded = this.deps.store.load();
    // The CLI writes plain sequences beside the app's sealed ones: seal them now, not at some later edit.
    if (loaded.ok && this.deps.store.needsResave()) {
      const resaved = this.deps.store.resave();
      if (!resaved.ok) this.deps.logger.warn(resaved.error.message);
    }
    this.announce();
  }

  private itemsToImport(
    request: ImportRequest,
  ): IpcResult<{ profiles: readonly unknown[]; notes: string[] }> {
    if (request.format === 'knockd') {
      if (request.host === undefined || request.host.trim() === '')
        return invalid([
          { field: 'host', message: 'the host the knockd.conf doors are on is required' },
        ]);
      const result = this.deps.importKnockd(request.text, { host: request.host.trim() });
      if (!result.ok) return ipcFailure('invalid', result.error);
      return { ok: true, value: { profiles: result.profiles, notes: result.notes } };
    }
    if (request.format === 'fwknoprc') {
      const result = importFwknoprc(request.text);
      if (!result.ok) return { ok: false, error: { code: 'invalid', message: result.error } };
      return { ok: true, value: { profiles: result.profiles, notes: result.notes } };
    }
    const json = parseJsonText(request.text);
    if (!json.ok) return ipcFailure('invalid', `JSON: ${json.error}`);
    const profiles = readExport(json.value);
    if (!profiles.ok) return ipcFailure('invalid', profiles.error);
    return { ok: true, value: { profiles: profiles.value, notes: [] } };
  }

  private afterChange<T>(result: StoreResult<T>, fieldPrefix = ''): IpcResult<T> {
    if (!result.ok) return storeFailure(result.error, fieldPrefix);
    this.lastProblem = undefined;
    this.announce();
    return result;
  }

  private announce(): void {
    this.changed.emit(this.view(), (e) =>
      this.deps.logger.error(`profiles listener: ${String(e)}`),
    );
  }
}

function storeResult<T>(result: StoreResult<T>): IpcResult<T> {
  return result.ok ? result : storeFailure(result.error);
}

/** A store error as an IPC error; its problems become fields of the input (under `fieldPrefix`). */
function storeFailure(error: StoreError, fieldPrefix = ''): { ok: false; error: IpcError } {
  const problems = error.problems && prefixProblems(fieldPrefix, error.problems);
  return {
    ok: false,
    error: { code: error.code, message: error.message, ...(problems ? { problems } : {}) },
  };
}

function invalid(problems: FieldProblem[]): { ok: false; error: IpcError } {
  const message = problems.map(problemLine).join('\n');
  return storeFailure({ code: 'invalid', message, problems });
}

function notFound(id: string): { ok: false; error: IpcError } {
  return ipcFailure('not-found', `no profile with id ${id}`);
}

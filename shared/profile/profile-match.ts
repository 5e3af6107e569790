// How `sesame proxy` (ssh's ProxyCommand) finds the profile for the host ssh asks for.
import type { Parsed } from '../basics';

/** What matching looks at: a readable profile or one whose sequences are locked, alike. */
export interface Named {
  name: string;
  host: string;
}

/** A host as written in a profile or passed by ssh as %h: brackets off, any case. */
function hostKey(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * Whether ssh's HOST is this profile: its name (the ssh alias) or its host, in any case (ssh
 * lowercases host names, and matches `Host` patterns in any case).
 */
export function profileAnswersTo(profile: Named, host: string): boolean {
  return (
    profile.name.toLowerCase() === host.toLowerCase() || hostKey(profile.host) === hostKey(host)
  );
}

/**
 * The profile for HOST: the one named HOST, else the one whose host is HOST. Several profiles with
 * that host, or none, is an error saying what to do.
 */
export function profileForHost<P extends Named>(profiles: readonly P[], host: string): Parsed<P> {
  const byName = profiles.find((p) => p.name.toLowerCase() === host.toLowerCase());
  if (byName) return { ok: true, value: byName };
  const byHost = profiles.filter((p) => hostKey(p.host) === hostKey(host));
  const [only] = byHost;
  if (only && byHost.length === 1) return { ok: true, value: only };
  if (only)
    return {
      ok: false,
      error: `${host} is the host of profiles ${byHost.map((p) => `'${p.name}'`).join(', ')}: name one with --profile`,
    };
  return {
    ok: false,
    error: `no profile is named ${host} or has it as its host (sesame profiles list shows them)`,
  };
}

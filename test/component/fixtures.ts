// Profiles and settings the component tests start from.
import type { SettingsView } from '../../shared/ipc/contract';
import type { KnockOutcome, KnockVerdict } from '../../shared/door/outcome';
import { profileSchema, type Profile } from '../../shared/profile/profile';

/** A valid profile, with defaults applied by the real schema. */
export function profile(fields: Partial<Profile> & { id: string; name: string }): Profile {
  return profileSchema.parse({
    host: `${fields.name.toLowerCase()}.example.org`,
    open: [
      { port: 7000, protocol: 'tcp' },
      { port: 8000, protocol: 'udp' },
      { port: 9000, protocol: 'tcp' },
    ],
    ...fields,
  });
}

/** Two profiles: web (with a close sequence) and db (without). */
export function twoProfiles(): Profile[] {
  return [
    profile({
      id: 'web',
      name: 'web',
      close: [
        { port: 9000, protocol: 'tcp' },
        { port: 7000, protocol: 'tcp' },
      ],
    }),
    profile({ id: 'db', name: 'db', host: 'db.example.org', servicePort: 5432 }),
  ];
}

/** Settings on a machine with a real keyring. */
export function defaultSettingsView(): SettingsView {
  return {
    settings: {
      terminal: { kind: 'auto' },
      notifications: true,
      encryptSequences: true,
      closeAfterMinutes: 0,
    },
    encryption: { backend: 'gnome_libsecret', secure: true, encrypted: true },
    terminals: [
      { id: 'gnome-terminal', label: 'GNOME Terminal', available: true },
      { id: 'kitty', label: 'kitty', available: false },
    ],
    terminalInUse: { ok: true, label: 'GNOME Terminal', waits: true },
  };
}

/** A finished Open knock as main stores it; the door state comes from its probe. */
export function outcome(fields: {
  runId: string;
  profileId: string;
  profileName: string;
  verdict: KnockVerdict;
  finishedAt?: number;
}): KnockOutcome {
  const at =
    fields.finishedAt ?? Date.UTC(2025, 0, 1, 8, 0, Number(fields.runId.replace(/\D/g, '')));
  const probed = fields.verdict === 'open' || fields.verdict === 'closed';
  return {
    action: 'open',
    address: '192.0.2.20',
    hits: [{ index: 0, total: 1, port: 7000, protocol: 'tcp', offsetMs: 0 }],
    ...(probed
      ? {
          probe: {
            profileId: fields.profileId,
            address: '192.0.2.20',
            port: 22,
            state: fields.verdict === 'open' ? 'open' : 'closed',
            elapsedMs: 3,
            at,
          },
        }
      : {}),
    startedAt: at - 500,
    ...fields,
    finishedAt: at,
  };
}

import { useEffect, useMemo, useRef, useState, type SubmitEvent } from 'react';
import type { FieldProblem } from '../../../shared/field-problems';
import type { SesameApi } from '../../../shared/ipc/contract';
import type { Profile } from '../../../shared/profile/profile';
import { ChoiceField } from '../components/ChoiceToggle';
import { FieldMessages, messageId } from '../components/FieldMessages';
import { TextField } from '../components/TextField';
import {
  emptyForm,
  fieldGroup,
  formFromLink,
  fieldLabel,
  formFromProfile,
  fromServerProblems,
  validateForm,
  type HitRow,
  type ProfileForm,
} from '../model/profile-form';
import type { RandomSource } from '../model/random-sequence';
import { portsOf, typedPort } from '../model/sequence-rows';
import { SequenceEditor } from './SequenceEditor';
import { SshConfigPanel } from './SshConfigPanel';
import { SPA_FIELDS, SpaRequestEditor } from './SpaRequestEditor';
import type { SpaFields } from '../model/spa-form';
import type { RotatingFields } from '../model/rotating-form';
import { RotatingSequenceEditor, rotatingFieldNames } from './RotatingSequenceEditor';

const SCOPE = 'profile';

/** Fields with a place of their own on the form; problems elsewhere are listed at the top. */
const PLACED = new Set([
  'name',
  'host',
  'family',
  'delayMs',
  'servicePort',
  'ssh.user',
  'ssh.port',
  'ssh.identityFile',
  'notes',
  'spa',
  ...SPA_FIELDS,
  ...rotatingFieldNames('open'),
  ...rotatingFieldNames('close'),
]);

function isPlaced(field: string): boolean {
  return PLACED.has(field) || /^(open|close)(\[\d+\].*)?$/.test(field);
}

function sameProblem(a: FieldProblem, b: FieldProblem): boolean {
  return a.field === b.field && a.message === b.message;
}

/**
 * The profile editor: every field of a profile, checked with the shared draft schema as the user
 * types (shown once a field was touched, everything after Save) and with the server's problems
 * shown next to their fields.
 */
export function ProfileEditor({
  api,
  profile,
  link,
  random,
  onSaved,
  onCancel,
}: {
  api: SesameApi;
  /** The profile to edit; undefined for a new one. */
  profile: Profile | undefined;
  /** A new profile filled in from a sesame://rotating link (nothing saved until Save). */
  link?: string | undefined;
  random: RandomSource;
  onSaved: (profile: Profile) => void;
  onCancel: () => void;
}) {
  const [fromLink] = useState(() => (link === undefined ? undefined : formFromLink(link)));
  const [form, setForm] = useState<ProfileForm>(() =>
    profile ? formFromProfile(profile) : fromLink?.ok ? fromLink.value : emptyForm(),
  );
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [serverProblems, setServerProblems] = useState<FieldProblem[]>([]);
  const [saveError, setSaveError] = useState<string | undefined>();
  const [saving, setSaving] = useState(false);
  const [focusTick, setFocusTick] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);

  const checked = useMemo(() => validateForm(form), [form]);
  const unsaved = useMemo(
    () =>
      profile !== undefined && JSON.stringify(form) !== JSON.stringify(formFromProfile(profile)),
    [form, profile],
  );
  const shown = useMemo(() => {
    const client = checked.problems.filter((p) => submitted || touched.has(fieldGroup(p.field)));
    return [...client, ...serverProblems.filter((s) => !client.some((c) => sameProblem(c, s)))];
  }, [checked, submitted, touched, serverProblems]);

  useEffect(() => {
    // Keyboard users land in the first field (Name) when the editor opens.
    formRef.current?.querySelector<HTMLElement>('input, select, textarea')?.focus();
  }, []);

  useEffect(() => {
    if (focusTick === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusTick]);

  const change = <K extends keyof ProfileForm>(key: K, group: string, value: ProfileForm[K]) => {
    setForm((current) => ({ ...current, [key]: value }));
    setTouched((current) => new Set(current).add(group));
    setServerProblems((current) => current.filter((p) => fieldGroup(p.field) !== group));
  };

  const changeSpa = <K extends keyof SpaFields>(key: K, group: string, value: SpaFields[K]) => {
    setForm((current) => ({ ...current, spa: { ...current.spa, [key]: value } }));
    setTouched((current) => new Set(current).add(group));
    setServerProblems((current) => current.filter((p) => fieldGroup(p.field) !== group));
  };

  const changeRotating =
    (key: 'openRotating' | 'closeRotating') => (fields: RotatingFields, group: string) =>
      change(key, group, fields);

  /** A pasted URI fills in the sequence, and the host when the profile has none yet. */
  const rotatingUri =
    (key: 'openRotating' | 'closeRotating') =>
    (fields: RotatingFields, host: string | undefined) => {
      change(key, key === 'openRotating' ? 'open' : 'close', fields);
      if (host !== undefined && form.host.trim() === '') change('host', 'host', host);
    };

  const problemsOf = (field: string) => shown.filter((p) => p.field === field);
  const sequenceProblems = (name: 'open' | 'close') =>
    shown.filter((p) => fieldGroup(p.field) === name);
  const elsewhere = shown.filter((p) => !isPlaced(p.field));

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setSaveError(undefined);
    if (checked.problems.length > 0) {
      setSaveError('The profile was not saved: fix the fields marked below.');
      setFocusTick((n) => n + 1);
      return;
    }
    setSaving(true);
    const result = await api.profiles.save({
      ...(profile ? { id: profile.id } : {}),
      profile: checked.draft,
    });
    setSaving(false);
    if (result.ok) {
      onSaved(result.value);
      return;
    }
    const problems = fromServerProblems(result.error.problems);
    setServerProblems(problems);
    setSaveError(
      problems.length === 0
        ? `The profile was not saved: ${result.error.message}`
        : problems.some((p) => isPlaced(p.field))
          ? 'The profile was not saved: fix the fields marked below.'
          : 'The profile was not saved:',
    );
    setFocusTick((n) => n + 1);
  };

  const avoidFor = (rows: readonly HitRow[]) => () =>
    [...portsOf(rows), typedPort(form.servicePort), typedPort(form.sshPort)].filter(
      (port): port is number => port !== undefined,
    );

  const title = profile ? `Edit ${profile.name}` : 'New profile';
  const field = (name: string) => ({ scope: SCOPE, field: name, problems: problemsOf(name) });

  return (
    <form
      ref={formRef}
      className="editor"
      aria-label={title}
      noValidate
      onSubmit={(e) => void save(e)}
    >
      <h2>{title}</h2>
      {fromLink ? (
        <div role={fromLink.ok ? 'status' : 'alert'} className={fromLink.ok ? 'note' : 'error'}>
          {fromLink.ok
            ? 'Filled in from a sesame:// link: its rotating sequence opens the door. Check the host, give the profile a name and save it; nothing is saved until you do.'
            : `The sesame:// link that opened Sesame cannot be read: ${fromLink.error}`}
        </div>
      ) : null}
      {saveError && (
        <div role="alert" className="error">
          <p>{saveError}</p>
          {elsewhere.length > 0 && (
            <ul>
              {elsewhere.map((p, i) => (
                <li key={`${p.field}-${i}`}>
                  {fieldLabel(p.field)}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="editor-grid">
        <TextField
          label="Name"
          value={form.name}
          required
          onChange={(v) => change('name', 'name', v)}
          {...field('name')}
        />
        <TextField
          label="Host"
          value={form.host}
          required
          placeholder="server.example.org"
          onChange={(v) => change('host', 'host', v)}
          {...field('host')}
        />
        <div className="field">
          <label htmlFor={`${SCOPE}-family`}>Address family</label>
          <select
            id={`${SCOPE}-family`}
            value={form.family}
            aria-invalid={problemsOf('family').length > 0}
            aria-describedby={
              problemsOf('family').length > 0 ? messageId(SCOPE, 'family') : undefined
            }
            onChange={(e) => change('family', 'family', e.target.value as ProfileForm['family'])}
          >
            <option value="auto">Automatic</option>
            <option value="ipv4">IPv4 only</option>
            <option value="ipv6">IPv6 only</option>
          </select>
          <FieldMessages {...field('family')} />
        </div>
        <TextField
          label="Service port"
          value={form.servicePort}
          numeric
          hint="Probed after knocking to see the door open."
          onChange={(v) => change('servicePort', 'servicePort', v)}
          {...field('servicePort')}
        />
        <TextField
          label="Delay between hits (ms)"
          value={form.delay}
          numeric
          onChange={(v) => change('delay', 'delayMs', v)}
          {...field('delayMs')}
        />
      </div>
      <ChoiceField
        id={`${SCOPE}-open-with`}
        title="Open the door with"
        value={form.openWith}
        choices={
          [
            ['sequence', 'Knock sequence'],
            ['rotating', 'Rotating sequence'],
            ['spa', 'SPA request (fwknop)'],
          ] as const
        }
        onChange={(value) => change('openWith', 'openWith', value)}
      />
      {form.openWith === 'spa' ? (
        <SpaRequestEditor
          fields={form.spa}
          scope={SCOPE}
          problemsOf={problemsOf}
          onChange={changeSpa}
        />
      ) : form.openWith === 'rotating' ? (
        <RotatingSequenceEditor
          api={api}
          name="open"
          fields={form.openRotating}
          scope={SCOPE}
          problemsOf={problemsOf}
          onChange={changeRotating('openRotating')}
          onUri={rotatingUri('openRotating')}
        />
      ) : (
        <SequenceEditor
          name="open"
          rows={form.open}
          scope={SCOPE}
          random={random}
          problems={sequenceProblems('open')}
          avoidPorts={avoidFor(form.close)}
          onChange={(rows) => change('open', 'open', rows)}
        />
      )}
      <ChoiceField
        id={`${SCOPE}-close-with`}
        title="Close the door with"
        value={form.closeWith}
        choices={
          [
            ['sequence', 'Knock sequence'],
            ['rotating', 'Rotating sequence'],
          ] as const
        }
        onChange={(value) => change('closeWith', 'close', value)}
      />
      {form.closeWith === 'rotating' ? (
        <RotatingSequenceEditor
          api={api}
          name="close"
          fields={form.closeRotating}
          scope={SCOPE}
          problemsOf={problemsOf}
          onChange={changeRotating('closeRotating')}
          onUri={rotatingUri('closeRotating')}
        />
      ) : (
        <SequenceEditor
          name="close"
          rows={form.close}
          scope={SCOPE}
          random={random}
          problems={sequenceProblems('close')}
          avoidPorts={avoidFor(form.open)}
          onChange={(rows) => change('close', 'close', rows)}
        />
      )}
      <fieldset className="editor-grid">
        <legend>SSH</legend>
        <TextField
          label="SSH user"
          value={form.sshUser}
          placeholder="as in ~/.ssh/config"
          onChange={(v) => change('sshUser', 'ssh.user', v)}
          {...field('ssh.user')}
        />
        <TextField
          label="SSH port"
          value={form.sshPort}
          numeric
          onChange={(v) => change('sshPort', 'ssh.port', v)}
          {...field('ssh.port')}
        />
        <TextField
          className="wide"
          label="Identity file"
          value={form.identityFile}
          placeholder="~/.ssh/id_ed25519"
          onChange={(v) => change('identityFile', 'ssh.identityFile', v)}
          {...field('ssh.identityFile')}
        />
      </fieldset>
      {profile ? <SshConfigPanel api={api} profileId={profile.id} unsaved={unsaved} /> : null}
      <TextField
        label="Notes"
        value={form.notes}
        multiline
        onChange={(v) => change('notes', 'notes', v)}
        {...field('notes')}
      />
      <div className="editor-actions">
        <button type="submit" className="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save profile'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

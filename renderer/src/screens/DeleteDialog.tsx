import { useState } from 'react';
import type { SesameApi } from '../../../shared/ipc/contract';
import type { Profile } from '../../../shared/profile/profile';
import { Dialog } from '../components/Dialog';

/** Asks before deleting a profile; Cancel has the focus so Enter never deletes by accident. */
export function DeleteDialog({
  api,
  profile,
  onDone,
  onCancel,
}: {
  api: SesameApi;
  profile: Profile;
  onDone: () => void;
  onCancel: () => void;
}) {
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    setBusy(true);
    const result = await api.profiles.delete({ id: profile.id });
    setBusy(false);
    if (result.ok) onDone();
    else setError(`Could not delete ${profile.name}: ${result.error.message}`);
  };

  return (
    <Dialog
      role="alertdialog"
      title={`Delete ${profile.name}?`}
      onClose={onCancel}
      description={
        <p>The profile and its knock sequences are removed for good, for the sesame command too.</p>
      }
    >
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          Delete
        </button>
        <button type="button" data-autofocus onClick={onCancel}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

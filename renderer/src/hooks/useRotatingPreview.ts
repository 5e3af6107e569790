import { useEffect, useState } from 'react';
import type { RotatingPreview, SesameApi } from '../../../shared/ipc/contract';
import {
  rotatingSequenceSchema,
  type RotatingSequenceInput,
} from '../../../shared/rotating/rotating-sequence';

/** What the editor shows of a rotating sequence: this step's knocks and the seconds left, or why not. */
export type PreviewState =
  | { kind: 'none' }
  | { kind: 'ready'; preview: RotatingPreview; secondsLeft: number }
  | { kind: 'failed'; error: string };

/** How often the countdown is redrawn (ms): often enough that a second is never skipped. */
const TICK_MS = 250;

/**
 * This step's knocks of `sequence`, asked of main (which has the HMAC), and a countdown to the next
 * step, asked again when the step changes. A sequence the schema refuses has no preview (its fields
 * show why).
 */
export function useRotatingPreview(
  api: SesameApi,
  sequence: RotatingSequenceInput,
  now: () => number = Date.now,
): PreviewState {
  const valid = rotatingSequenceSchema.safeParse(sequence).success;
  const key = valid ? JSON.stringify(sequence) : '';
  const [step, setStep] = useState(0);
  const [result, setResult] = useState<
    { key: string; preview: RotatingPreview } | { key: string; error: string } | undefined
  >();
  const [nowMs, setNowMs] = useState(now);

  useEffect(() => {
    if (key === '') return;
    let current = true;
    void api.rotating.preview(JSON.parse(key) as RotatingSequenceInput).then((answer) => {
      if (!current) return;
      setResult(answer.ok ? { key, preview: answer.value } : { key, error: answer.error.message });
    });
    return () => {
      current = false;
    };
  }, [api, key, step]);

  useEffect(() => {
    const timer = setInterval(() => setNowMs(now()), TICK_MS);
    return () => clearInterval(timer);
  }, [now]);

  const preview = result && result.key === key && 'preview' in result ? result.preview : undefined;
  useEffect(() => {
    if (preview && nowMs >= preview.nextStepAt) setStep((n) => n + 1);
  }, [preview, nowMs]);

  if (key === '' || !result || result.key !== key) return { kind: 'none' };
  if ('error' in result) return { kind: 'failed', error: result.error };
  const secondsLeft = Math.max(0, Math.ceil((result.preview.nextStepAt - nowMs) / 1000));
  return { kind: 'ready', preview: result.preview, secondsLeft };
}

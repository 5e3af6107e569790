// How a knock went, as the window, the tray, notifications and the history file see it. Schemas
// where a file is read back (the history), inferred types for everyone else.
import { z } from 'zod';
import type { Protocol } from '../sequence/sequence';

/** The state of a service port, from a TCP connect. */
export const probeStateSchema = z.enum(['open', 'closed', 'unreachable']);

/** The state of a service port, from a TCP connect. */
export type ProbeState = z.infer<typeof probeStateSchema>;

/** One probe of a profile's service port. */
export const probeViewSchema = z.object({
  profileId: z.string(),
  address: z.string(),
  port: z.number(),
  state: probeStateSchema,
  elapsedMs: z.number(),
  at: z.number(),
});

/** One probe of a profile's service port. */
export type ProbeView = z.infer<typeof probeViewSchema>;

/** One hit as sent. */
export const hitViewSchema = z.object({
  index: z.number(),
  total: z.number(),
  port: z.number(),
  protocol: z.enum(['tcp', 'udp']) satisfies z.ZodType<Protocol>,
  offsetMs: z.number(),
  error: z.string().exactOptional(),
});

/** One hit as sent. */
export type HitView = z.infer<typeof hitViewSchema>;

/** Which action a knock was. */
export const knockActionSchema = z.enum(['open', 'close', 'ssh']);

/** Which action a knock was. */
export type KnockAction = z.infer<typeof knockActionSchema>;

/** How a knock ended: `open`/`closed`/`unreachable` come from the probe; `sent` has no probe. */
export const knockVerdictSchema = z.enum([
  ...probeStateSchema.options,
  'sent',
  'failed',
  'cancelled',
]);

/** How a knock ended: `open`/`closed`/`unreachable` come from the probe; `sent` has no probe. */
export type KnockVerdict = z.infer<typeof knockVerdictSchema>;

/** A finished knock (open, close, or the knock of Open SSH), as shown in history and notifications. */
export const knockOutcomeSchema = z.object({
  runId: z.string(),
  profileId: z.string(),
  profileName: z.string(),
  action: knockActionSchema,
  verdict: knockVerdictSchema,
  address: z.string().exactOptional(),
  hits: z.array(hitViewSchema),
  probe: probeViewSchema.exactOptional(),
  /** Why it failed, in the user's words. */
  error: z.string().exactOptional(),
  /** For Open SSH: the terminal used, and whether the close sequence follows when ssh ends. */
  ssh: z
    .object({
      terminal: z.string(),
      closesOnExit: z.boolean(),
      /** For a terminal that does not wait for ssh: when the door is closed (ms since the epoch). */
      closesAt: z.number().exactOptional(),
      /** True when the profile has a close sequence but nothing will send it (the user must). */
      staysOpen: z.boolean().exactOptional(),
    })
    .exactOptional(),
  startedAt: z.number(),
  finishedAt: z.number(),
});

/** A finished knock (open, close, or the knock of Open SSH), as shown in history and notifications. */
export type KnockOutcome = z.infer<typeof knockOutcomeSchema>;

/** Where a knock is while it runs (sent to the window as `knock:progress`, and to the tray). */
export interface KnockProgressEvent {
  runId: string;
  profileId: string;
  action: KnockAction;
  stage: 'resolving' | 'waiting' | 'knocking' | 'probing' | 'reknocking' | 'launching';
  address?: string;
  hit?: HitView;
}

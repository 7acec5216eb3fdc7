/**
 * The zod input schemas of the Targets, Settings and Audit log requests (contract.ts lists the
 * channels). Field rules come from src-shared/settings-rules.ts, so a bad value is refused at the
 * boundary with E3001 and its path (`retention.auditDays: must be … at least 1`), by the same rule
 * the control plane applies to the environment variable that overrides it.
 */
import { z } from 'zod';
import { imageRefProblem, registryUrlProblem, registryUsernameProblem, retentionDaysProblem } from '../settings-rules';
import type { RetentionKey } from '../settings-rules';

/** A zod refinement from a `…Problem` rule. */
function ruled<T>(problem: (value: T) => string | undefined) {
  return (value: T, context: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) context.addIssue({ code: 'custom', message });
  };
}

const imageRef = z.string().superRefine(ruled(imageRefProblem));
const days = (key: RetentionKey) => z.number().superRefine(ruled((value: number) => retentionDaysProblem(key, value)));
const registryUrl = z.string().trim().superRefine(ruled(registryUrlProblem));
const registryUsername = z.string().superRefine(ruled(registryUsernameProblem));
// A registry password or access token: kept in the vault, never echoed.
const registryPassword = z.string().min(1).max(4096);
const channelName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, "-" and "_", at most 63 characters');
const severity = z.enum(['info', 'warning', 'critical']);
const isoTime = z.iso.datetime({ offset: true });
const emailAddress = z.string().max(320);

export const targetsTestInput = z.object({ context: z.string().min(1).max(253) }).strict();

/** `null` puts a setting back to its default. */
export const settingsUpdateInput = z
  .object({
    baseImages: z.object({ node: imageRef.nullable().optional(), python: imageRef.nullable().optional() }).strict().optional(),
    retention: z
      .object({
        runsDays: days('runsDays').nullable().optional(),
        auditDays: days('auditDays').nullable().optional(),
        eventsDays: days('eventsDays').nullable().optional(),
        rollupHistoryDays: days('rollupHistoryDays').nullable().optional(),
        alertsDays: days('alertsDays').nullable().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const registryAddInput = z.object({ url: registryUrl, username: registryUsername.optional(), password: registryPassword.optional() }).strict();

/** `null` removes the username or the password; absent leaves it as it is. */
export const registryUpdateInput = z.object({ id: z.number().int().positive(), username: registryUsername.nullable().optional(), password: registryPassword.nullable().optional() }).strict();

export const registryRemoveInput = z.object({ id: z.number().int().positive() }).strict();

const channelPreferences = { minSeverity: severity.optional(), sendResolved: z.boolean().optional() };

export const alertChannelAddInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('webhook'), name: channelName, url: z.string().min(1).max(2048), ...channelPreferences }).strict(),
  z
    .object({
      kind: z.literal('email'),
      name: channelName,
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535),
      tls: z.enum(['starttls', 'tls', 'none']),
      user: z.string().min(1).max(255).optional(),
      password: z.string().min(1).max(4096).optional(),
      from: emailAddress,
      to: z.array(emailAddress).min(1).max(50),
      ...channelPreferences,
    })
    .strict(),
]);

export const alertChannelUpdateInput = z.object({ name: channelName, enabled: z.boolean().optional(), ...channelPreferences }).strict();

export const alertChannelNameInput = z.object({ name: channelName }).strict();

export const auditListInput = z
  .object({
    actor: z.string().min(1).max(200).optional(),
    /** Exact (`deploy:create`) or a prefix ending in `*` (`secret:*`). */
    action: z.string().min(1).max(100).optional(),
    agent: z.string().min(1).max(63).optional(),
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** Found anywhere in the actor, action, target, error or details. */
    text: z.string().min(1).max(200).optional(),
    limit: z.number().int().min(1).max(500).optional(),
    /** `nextCursor` of the previous page. */
    before: z.string().min(1).max(100).optional(),
  })
  .strict();

import { ApiError, invalidField, type RetryPolicyInput } from '../../../contracts';
import type { Caller } from '../ledger/caller';
import { checkUrlHost, type AddressGuard } from './address-guard';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy';
import { parseTriggerPattern } from './trigger-pattern';

/** Throws VALIDATION_FAILED naming `field` unless `pattern` is a valid trigger pattern. */
export function checkTriggerPattern(pattern: string, field = 'on'): void {
  const parsed = parseTriggerPattern(pattern);
  if (!parsed.ok) throw invalidField(field, `${field}: ${parsed.message}`);
}

/**
 * Throws VALIDATION_FAILED naming `webhook.url` unless the guard allows every address its
 * host resolves to. Deliveries check again, because DNS answers can change.
 */
export async function checkWebhookHost(url: string, guard: AddressGuard, field = 'webhook.url'): Promise<void> {
  const verdict = await checkUrlHost(new URL(url), guard);
  if (!verdict.ok) throw invalidField(field, `${field} is not allowed: ${verdict.reason}`);
}

/**
 * Fills the fields missing from `input` with `base` and checks that the delays are ordered.
 * `field` prefixes the error's field name, such as `retry` or `workflows[2].retry`.
 */
export function mergeRetryPolicy(input: RetryPolicyInput | undefined, base: RetryPolicy = defaultRetryPolicy, field = 'retry'): RetryPolicy {
  const policy = {
    maxAttempts: input?.maxAttempts ?? base.maxAttempts,
    initialDelayMs: input?.initialDelayMs ?? base.initialDelayMs,
    maxDelayMs: input?.maxDelayMs ?? base.maxDelayMs,
  };
  if (policy.maxDelayMs < policy.initialDelayMs) {
    throw invalidField(
      `${field}.maxDelayMs`,
      `${field}.maxDelayMs must be at least ${field}.initialDelayMs (${policy.initialDelayMs}), got ${policy.maxDelayMs}`,
    );
  }
  return policy;
}

/**
 * Returns the organisation a new workflow belongs to: the API key's organisation, or with
 * authentication off the requested one, where null means every organisation.
 */
export function resolveWorkflowOrg(caller: Caller, requested: string | undefined): string | null {
  if (caller.orgId === undefined) return requested ?? null;
  if (requested !== undefined && requested !== caller.orgId) {
    throw new ApiError('FORBIDDEN', `this API key manages workflows of organisation ${caller.orgId} only, got orgId ${JSON.stringify(requested)}`);
  }
  return caller.orgId;
}

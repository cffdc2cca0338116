import type { ConnectionState } from '../../../client';

type Tone = 'neutral' | 'success' | 'warning' | 'danger';

export const CONNECTION_STATES: Record<ConnectionState, { label: string; tone: Tone }> = {
  connected: { label: 'Connected', tone: 'success' },
  reconnect_required: { label: 'Reconnect required', tone: 'danger' },
  not_connected: { label: 'Not connected', tone: 'neutral' },
};

/**
 * What went wrong when Kommo's consent came back (`?kommo=error&reason=…`, set by the API's
 * callback), as a sentence that says what to do next.
 */
const CALLBACK_REASONS: Record<string, string> = {
  state_invalid:
    'The answer from Kommo did not match a connection started from this page. Start again with “Connect Kommo”.',
  state_expired:
    'The Kommo consent took longer than 10 minutes, so it was refused. Start again with “Connect Kommo”.',
  state_used:
    'That Kommo consent was already used. If Kommo is not connected below, start again with “Connect Kommo”.',
  not_signed_in:
    'You came back from Kommo signed out, as someone else, or without the right to change integrations. Sign in as the person who started and connect again.',
  access_denied:
    'Access was not allowed in Kommo. Connect again and choose “Allow” on Kommo’s page.',
  account_host_refused:
    'Kommo sent us back from an address that is not a Kommo account, so it was not trusted. Connect again from your account’s own address.',
  code_rejected:
    'Kommo refused the authorization code (it may have expired or been used). Connect again.',
  missing_code: 'Kommo came back without an authorization code. Connect again.',
  kommo_unavailable: 'Kommo could not be reached to finish connecting. Try again in a few minutes.',
  try_again: 'The consent could not be checked just now. Try again.',
};

export function callbackReasonMessage(reason: string | null): string {
  return (
    (reason && Object.hasOwn(CALLBACK_REASONS, reason) ? CALLBACK_REASONS[reason] : undefined) ??
    'Kommo could not be connected. Try again, or connect with a long-lived token.'
  );
}

import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useSaveSlack } from '../../../api/useSlack';
import type { SlackKind, SlackStatus } from '../../../client';
import { Button } from '../../../components/Button';
import { FormError, SelectField, TextField } from '../../../components/Field';

const FIELDS = ['kind', 'webhook_url', 'bot_token', 'channel'] as const;
const KINDS = [
  { value: 'webhook', label: 'Incoming webhook' },
  { value: 'bot', label: 'Bot token and channel' },
] as const;

/** Where to post: an incoming webhook, or a bot token and a channel. Secrets are write-only. */
export function SlackForm({ tenantId, status }: { tenantId: string; status: SlackStatus }) {
  const [kind, setKind] = useState<SlackKind>(status.kind ?? 'webhook');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [botToken, setBotToken] = useState('');
  const [channel, setChannel] = useState(status.channel ?? '');
  const [handoffs, setHandoffs] = useState(status.configured ? status.notify_handoffs : true);
  const [syncFailures, setSyncFailures] = useState(
    status.configured ? status.notify_sync_failures : true,
  );
  const save = useSaveSlack(tenantId);
  const errors = formErrors(save.error, FIELDS);
  // The stored secret is kept when the field is left empty and the kind does not change.
  const keeps = status.configured && status.kind === kind;
  const keepHint = keeps ? `Leave empty to keep the stored one (…${status.secret_last_four}).` : '';

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate(
      {
        kind,
        notify_handoffs: handoffs,
        notify_sync_failures: syncFailures,
        ...(kind === 'webhook'
          ? webhookUrl.trim()
            ? { webhook_url: webhookUrl.trim() }
            : {}
          : {
              ...(botToken.trim() ? { bot_token: botToken.trim() } : {}),
              channel: channel.trim(),
            }),
      },
      {
        onSuccess: () => {
          setWebhookUrl('');
          setBotToken('');
        },
      },
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4" noValidate aria-label="Slack settings">
      <SelectField
        label="Post with"
        value={kind}
        onChange={(event) => setKind(event.target.value === 'bot' ? 'bot' : 'webhook')}
        options={KINDS}
        error={errors.fields.kind}
      />
      {kind === 'webhook' ? (
        <TextField
          label="Incoming webhook URL"
          type="password"
          value={webhookUrl}
          onChange={(event) => setWebhookUrl(event.target.value)}
          error={errors.fields.webhook_url}
          placeholder="https://hooks.slack.com/services/…"
          hint={`Slack: Apps → Incoming Webhooks → Add New Webhook to Workspace. ${keepHint}`}
          autoComplete="off"
          maxLength={500}
        />
      ) : (
        <>
          <TextField
            label="Bot token"
            type="password"
            value={botToken}
            onChange={(event) => setBotToken(event.target.value)}
            error={errors.fields.bot_token}
            placeholder="xoxb-…"
            hint={`The app's Bot User OAuth Token, with chat:write. ${keepHint}`}
            autoComplete="off"
            maxLength={500}
          />
          <TextField
            label="Channel"
            value={channel}
            onChange={(event) => setChannel(event.target.value)}
            error={errors.fields.channel}
            placeholder="#sales or C0123456789"
            hint="Invite the bot to the channel first."
            maxLength={80}
          />
        </>
      )}
      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-ink">Tell Slack about</legend>
        <label className="flex items-center gap-2 text-sm text-ink">
          <input
            type="checkbox"
            checked={handoffs}
            onChange={(event) => setHandoffs(event.target.checked)}
          />
          Conversations handed to a person
        </label>
        <label className="flex items-center gap-2 text-sm text-ink">
          <input
            type="checkbox"
            checked={syncFailures}
            onChange={(event) => setSyncFailures(event.target.checked)}
          />
          Kommo syncs that failed
        </label>
      </fieldset>
      <FormError message={errors.form} />
      <Button type="submit" loading={save.isPending}>
        {status.configured ? 'Save Slack' : 'Connect Slack'}
      </Button>
    </form>
  );
}

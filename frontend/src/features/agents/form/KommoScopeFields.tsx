import { Link } from 'react-router-dom';

import { ApiError } from '../../../api/problem';
import { useKommoPipelines } from '../../../api/useKommoSync';
import { Button } from '../../../components/Button';
import { ListInput } from '../../../components/ListInput';
import { ListSkeleton } from '../../../components/Skeleton';
import { paths } from '../../../paths';
import type { AgentFieldsProps } from './AgentProfileFields';
import { KommoPipelinePicker } from './KommoPipelinePicker';

function idProblem(what: string) {
  return (value: string): string | null =>
    /^[1-9]\d{0,14}$/.test(value) ? null : `A ${what} id is a positive whole number`;
}

/**
 * Which Kommo pipelines, stages and chat channels the agent serves: picked from what the last
 * sync stored, or typed as ids while Kommo is not connected or nothing is synced yet.
 */
export function KommoScopeFields({
  tenantId,
  values,
  set,
  errors,
  disabled,
}: AgentFieldsProps & { tenantId: string; disabled: boolean }) {
  const { kommo } = values;
  const pipelines = useKommoPipelines(tenantId, true);
  const synced = pipelines.data?.items ?? [];
  const notConnected = pipelines.error instanceof ApiError && pipelines.error.status === 404;

  const channels = (
    <ListInput
      label="Channels"
      values={kommo.channels}
      onChange={(next) => set('kommo', { ...kommo, channels: next })}
      validate={(value) => (value.length > 64 ? 'At most 64 characters' : null)}
      placeholder="whatsapp, telegram, instagram…"
      hint="Chat channels the agent answers in. Empty: every channel."
      disabled={disabled}
    />
  );

  if (pipelines.isPending) {
    return (
      <div className="grid gap-5 sm:grid-cols-2">
        <ListSkeleton rows={2} label="Loading pipelines" />
        {channels}
      </div>
    );
  }

  if (synced.length > 0) {
    return (
      <div className="grid gap-5 sm:grid-cols-2">
        <KommoPipelinePicker
          pipelines={synced}
          scope={kommo}
          onChange={(next) => set('kommo', next)}
          error={errors.kommo}
        />
        <div>{channels}</div>
      </div>
    );
  }

  const integrations = (
    <Link to={paths.integrations(tenantId)} className="font-medium text-brand-700 underline">
      Integrations
    </Link>
  );
  return (
    <div className="space-y-4">
      <div
        role="note"
        className="flex flex-wrap items-center justify-between gap-3 rounded-control border border-surface-border bg-surface-sunken px-4 py-3 text-sm text-ink-muted"
      >
        {pipelines.isError && !notConnected ? (
          <>
            <span>The synced Kommo pipelines could not be loaded: type the ids for now.</span>
            <Button variant="ghost" size="sm" onClick={() => void pipelines.refetch()}>
              Try again
            </Button>
          </>
        ) : notConnected ? (
          <span>
            Kommo is not connected: type the ids, or connect Kommo on {integrations} to pick
            pipelines and stages from a list.
          </span>
        ) : (
          <span>
            Nothing is synced from Kommo yet: type the ids, or sync Kommo on {integrations} to pick
            pipelines and stages from a list.
          </span>
        )}
      </div>
      <div className="grid gap-5 sm:grid-cols-2">
        <ListInput
          label="Pipelines"
          values={kommo.pipeline_ids.map(String)}
          onChange={(ids) => set('kommo', { ...kommo, pipeline_ids: ids.map(Number) })}
          validate={idProblem('pipeline')}
          inputMode="numeric"
          placeholder="Pipeline id, e.g. 7214562"
          hint="Leads in these Kommo pipelines are answered by this agent."
          error={errors.kommo}
          disabled={disabled}
        />
        <ListInput
          label="Stages"
          values={kommo.status_ids.map(String)}
          onChange={(ids) => set('kommo', { ...kommo, status_ids: ids.map(Number) })}
          validate={idProblem('stage')}
          inputMode="numeric"
          placeholder="Stage id, e.g. 142"
          hint="Stages of those pipelines the agent answers in. Empty: every stage."
          disabled={disabled}
        />
        {channels}
      </div>
    </div>
  );
}

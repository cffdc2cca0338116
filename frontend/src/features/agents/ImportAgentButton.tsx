import { useRef } from 'react';
import { useNavigate } from 'react-router-dom';

import type { AgentExport } from '../../client';
import { ApiError, errorMessage, errorTitle } from '../../api/problem';
import { useImportAgent } from '../../api/useAgents';
import { Button } from '../../components/Button';
import { toast } from '../../toasts/toastStore';

/** What is wrong with an import, field by field ("agent.name: Field required"). */
function importProblem(error: unknown): string {
  if (error instanceof ApiError && error.fieldErrors.length > 0) {
    const fields = error.fieldErrors
      .map((item) => `${item.field.replace(/^body\./, '')}: ${item.message}`)
      .join('; ');
    return `${errorMessage(error)} — ${fields}`;
  }
  return errorMessage(error);
}

/** Picks an exported agent (`.agent.json`) and creates it in this workspace. */
export function ImportAgentButton({ tenantId }: { tenantId: string }) {
  const input = useRef<HTMLInputElement>(null);
  const importAgent = useImportAgent(tenantId);
  const navigate = useNavigate();

  async function read(file: File) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      toast.error('Not an agent export', `${file.name} is not a JSON file.`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || !('agent' in parsed)) {
      toast.error('Not an agent export', `${file.name} has no "agent" in it.`);
      return;
    }
    // The server checks the rest of the file; its 422 is shown field by field (importProblem).
    // eslint-disable-next-line @typescript-eslint/consistent-type-assertions -- see above
    importAgent.mutate(parsed as AgentExport, {
      onSuccess: (agent) => void navigate(agent.id),
      onError: (error) => toast.error(errorTitle(error), importProblem(error)),
    });
  }

  return (
    <>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="sr-only"
        tabIndex={-1}
        aria-label="Agent file to import"
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file) void read(file);
        }}
      />
      <Button
        variant="secondary"
        loading={importAgent.isPending}
        onClick={() => input.current?.click()}
      >
        Import
      </Button>
    </>
  );
}

import type { ProviderRead } from '../../client';
import { Button } from '../../components/Button';
import { TableScroll } from '../../components/TableScroll';
import { kindLabel, maskedKey } from './providerKinds';

export interface ProviderTableProps {
  providers: ProviderRead[];
  canManage: boolean;
  onEdit: (provider: ProviderRead) => void;
  onDelete: (provider: ProviderRead) => void;
}

/** The workspace's providers; a key shows only as its last four characters. */
export function ProviderTable({ providers, canManage, onEdit, onDelete }: ProviderTableProps) {
  return (
    <TableScroll>
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-ink-muted uppercase">
          <tr>
            <th className="pb-2 font-medium">Name</th>
            <th className="pb-2 font-medium">Kind</th>
            <th className="pb-2 font-medium">Base URL</th>
            <th className="pb-2 font-medium">Key</th>
            <th className="pb-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-surface-border">
          {providers.map((provider) => (
            <tr key={provider.id}>
              <td className="py-3 pr-4 font-medium text-ink">{provider.name}</td>
              <td className="py-3 pr-4">{kindLabel(provider.kind)}</td>
              <td className="py-3 pr-4">
                <code className="font-mono text-xs break-all text-ink-muted">
                  {provider.base_url}
                </code>
              </td>
              <td className="py-3 pr-4">
                <span
                  className={`font-mono text-xs ${provider.has_api_key ? 'text-ink' : 'text-ink-muted'}`}
                >
                  {maskedKey(provider)}
                </span>
              </td>
              <td className="py-3 text-right whitespace-nowrap">
                {canManage ? (
                  <>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => onEdit(provider)}
                      aria-label={`Edit ${provider.name}`}
                    >
                      Edit
                    </Button>
                    <Button
                      variant="ghost"
                      size="sm"
                      onClick={() => onDelete(provider)}
                      aria-label={`Delete ${provider.name}`}
                    >
                      Delete
                    </Button>
                  </>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

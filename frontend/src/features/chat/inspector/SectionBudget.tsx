import type { ContextInspection } from '../../../client';
import { sectionLabel } from '../labels';
import { StackedBar } from '../StackedBar';

function budgetShare(context: ContextInspection): string {
  if (context.budget <= 0) return 'no budget';
  const percent = (context.total_tokens / context.budget) * 100;
  return percent < 1 && percent > 0 ? '<1 %' : `${Math.round(percent)} %`;
}

/** The tokens given to the model as a bar split by section, and a line per section with what was cut. */
export function SectionBudget({ context }: { context: ContextInspection }) {
  const shown = context.sections.filter((section) => section.tokens > 0 || section.dropped > 0);
  return (
    <div className="space-y-3">
      <p className="text-sm text-ink">
        <span className="font-semibold">{context.total_tokens.toLocaleString()}</span>
        <span className="text-ink-muted">
          {' '}
          of {context.budget.toLocaleString()} tokens ({budgetShare(context)}) ·{' '}
          {context.exact || context.tokenizer.includes('estimate')
            ? context.tokenizer
            : `${context.tokenizer} (estimate)`}
        </span>
      </p>
      <StackedBar
        label="Context tokens by section"
        unit="tokens"
        segments={context.sections
          .filter((section) => section.tokens > 0)
          .map((section) => ({ label: sectionLabel(section.name), value: section.tokens }))}
      />
      <table className="w-full text-xs">
        <caption className="sr-only">Sections of the context</caption>
        <thead className="text-left text-ink-muted">
          <tr>
            <th scope="col" className="py-1 font-medium">
              Section
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Tokens
            </th>
            <th scope="col" className="py-1 text-right font-medium">
              Items
            </th>
            <th scope="col" className="py-1 pl-2 font-medium">
              Cut
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-surface-border">
          {shown.map((section) => (
            <tr key={section.name}>
              <th scope="row" className="py-1 text-left font-normal text-ink">
                {sectionLabel(section.name)}
              </th>
              <td className="py-1 text-right font-mono">{section.tokens.toLocaleString()}</td>
              <td className="py-1 text-right font-mono">{section.items.length}</td>
              <td className="py-1 pl-2 text-ink-muted">
                {[
                  section.dropped > 0 ? `${section.dropped} dropped` : null,
                  section.truncated ? 'truncated' : null,
                ]
                  .filter(Boolean)
                  .join(', ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

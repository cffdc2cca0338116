import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, it } from 'vitest';

import { answer, inspection } from '../../../test/chatFixtures';
import { TENANT_ID } from '../../../test/fixtures';
import { DOCUMENT_ID } from '../../../test/knowledgeFixtures';
import { ContextInspector } from './ContextInspector';

function renderInspector(context = inspection) {
  return render(
    <MemoryRouter>
      <ContextInspector tenantId={TENANT_ID} context={context} latency={answer.latency} />
    </MemoryRouter>,
  );
}

describe('ContextInspector', () => {
  it('shows the budget by section, with what each section had cut', () => {
    renderInspector();

    expect(screen.getByText('1,000')).toBeInTheDocument();
    expect(screen.getByText(/of 4,000 tokens \(25 %\) · cl100k_base/)).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: /Context tokens by section: .*Knowledge 500 tokens/ }),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', { name: 'Sections of the context' });
    const knowledge = within(table).getByRole('row', { name: /Knowledge/ });
    expect(within(knowledge).getByText('500')).toBeInTheDocument();
    expect(within(knowledge).getByText('1 dropped')).toBeInTheDocument();
    expect(within(table).getByRole('row', { name: /History/ })).toHaveTextContent('truncated');
    // Sections with no tokens and nothing dropped are left out of the table.
    expect(within(table).queryByRole('row', { name: /CRM facts/ })).not.toBeInTheDocument();
  });

  it('lists passages with scores and citation, memories, graph and CRM facts, and latency', () => {
    renderInspector();

    const passages = screen.getByRole('list', { name: 'Knowledge passages' });
    expect(within(passages).getByRole('link', { name: 'Pricing 2026' })).toHaveAttribute(
      'href',
      expect.stringContaining(DOCUMENT_ID),
    );
    expect(within(passages).getByTitle('Score')).toHaveTextContent('0.82');
    expect(within(passages).getByText('Cited')).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Memories' })).getByText('city: Madrid'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByRole('list', { name: 'Graph facts' })).getByText(/phone support/),
    ).toBeInTheDocument();
    expect(screen.getByText('Lead stage: Qualified')).toBeInTheDocument();
    expect(screen.getByText('260 ms')).toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: /Latency: Retrieval 40 ms, Context 10 ms, First token 120 ms, Writing 80 ms, Other 10 ms/,
      }),
    ).toBeInTheDocument();
  });

  it('says so when a part is empty, and marks an estimated count', () => {
    renderInspector({
      ...inspection,
      exact: false,
      passages: [],
      memories: [],
      facts: [],
      crm_facts: [],
    });

    expect(screen.getByText(/cl100k_base \(estimate\)/)).toBeInTheDocument();
    expect(screen.getByText('No passage was given to the model.')).toBeInTheDocument();
    expect(screen.getByText(/Nothing remembered about this contact/)).toBeInTheDocument();
    expect(screen.getByText(/a test conversation has no CRM facts/)).toBeInTheDocument();
  });
});

import { useEffect } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';

import { ApiError } from '../../api/problem';
import { useAgent } from '../../api/useAgents';
import { useConversation, useResumeConversation } from '../../api/useConversations';
import type { ConversationDetail } from '../../client';
import { Badge } from '../../components/Badge';
import { Button } from '../../components/Button';
import { Card } from '../../components/Card';
import { PageSkeleton } from '../../components/Skeleton';
import { EmptyState, ErrorState } from '../../components/States';
import { ConversationStatusBadge } from '../../features/chat/conversations/ConversationStatusBadge';
import { HumanReplyForm } from '../../features/chat/conversations/HumanReplyForm';
import { MessageItem } from '../../features/chat/conversations/MessageItem';
import { HandoffBanner } from '../../features/chat/HandoffBanner';
import { CHANNEL_LABELS } from '../../features/chat/labels';
import { ContactMemoryPanel } from '../../features/chat/memory/ContactMemoryPanel';
import { useTenant } from '../../layout/tenantContext';
import { formatDateTime } from '../../lib/format';
import { paths } from '../../paths';

function isPaused(conversation: ConversationDetail): boolean {
  return conversation.paused_until !== null && new Date(conversation.paused_until) > new Date();
}

function Reader({ conversation }: { conversation: ConversationDetail }) {
  const { tenantId, canManage } = useTenant();
  const agent = useAgent(tenantId, conversation.agent_id);
  const resume = useResumeConversation(tenantId, conversation.id);
  const { hash } = useLocation();
  const paused = isPaused(conversation);
  const resumeButton = (
    <Button
      variant="secondary"
      size="sm"
      loading={resume.isPending}
      onClick={() => resume.mutate()}
    >
      Resume agent
    </Button>
  );

  // A link to one message (from a memory) scrolls to it once the messages are there.
  useEffect(() => {
    if (hash) document.getElementById(hash.slice(1))?.scrollIntoView?.({ block: 'center' });
  }, [hash]);

  return (
    <div className="grid min-w-0 gap-gutter lg:grid-cols-[3fr_2fr]">
      <div className="min-w-0 space-y-gutter">
        <header className="space-y-2">
          <h1 className="text-title font-semibold break-words text-ink">
            {conversation.title || 'Untitled conversation'}
          </h1>
          <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-ink-muted">
            <ConversationStatusBadge conversation={conversation} />
            <Badge>{CHANNEL_LABELS[conversation.channel]}</Badge>
            <span>
              with{' '}
              <Link
                to={paths.agent(tenantId, conversation.agent_id)}
                className="font-medium text-brand-700 hover:underline"
              >
                {agent.data?.name ?? 'the agent'}
              </Link>
            </span>
            <span>started {formatDateTime(conversation.created_at)}</span>
            {conversation.external_lead_id ? (
              <span>lead {conversation.external_lead_id}</span>
            ) : null}
          </p>
        </header>
        {conversation.status === 'handed_off' ? (
          <HandoffBanner
            reason={conversation.handoff_reason}
            summary={conversation.handoff_summary}
            action={resumeButton}
          />
        ) : paused && conversation.paused_until ? (
          <div
            role="status"
            className="flex flex-wrap items-center justify-between gap-3 rounded-control bg-brand-50 px-3 py-2 text-sm text-brand-700"
          >
            <span>
              A colleague answered: the agent is quiet until{' '}
              {formatDateTime(conversation.paused_until)}.
            </span>
            {resumeButton}
          </div>
        ) : null}
        <Card title="Messages" description={`${conversation.messages.length} messages`}>
          {conversation.messages.length === 0 ? (
            <p className="text-sm text-ink-muted">No messages yet.</p>
          ) : (
            <ol aria-label="Messages" className="space-y-4">
              {conversation.messages.map((message) => (
                <MessageItem key={message.id} tenantId={tenantId} message={message} />
              ))}
            </ol>
          )}
          <div className="mt-6 border-t border-surface-border pt-4">
            <HumanReplyForm tenantId={tenantId} conversationId={conversation.id} />
          </div>
        </Card>
      </div>
      <div className="min-w-0">
        {conversation.contact_id ? (
          <ContactMemoryPanel
            tenantId={tenantId}
            contactId={conversation.contact_id}
            canEdit={canManage}
          />
        ) : (
          <Card title="Contact">
            <p className="text-sm text-ink-muted">
              No contact: nothing is remembered from this conversation.
            </p>
          </Card>
        )}
      </div>
    </div>
  );
}

/** One conversation: its messages, a colleague's reply, resuming the agent, the contact's memory. */
export function ConversationPage() {
  const { tenantId } = useTenant();
  const { conversationId = '' } = useParams();
  const conversation = useConversation(tenantId, conversationId);

  if (conversation.isPending) return <PageSkeleton />;
  if (conversation.isError) {
    if (conversation.error instanceof ApiError && conversation.error.status === 404) {
      return (
        <EmptyState
          title="Conversation not found"
          action={
            <Link
              to={paths.conversations(tenantId)}
              className="text-sm font-medium text-brand-700 hover:underline"
            >
              All conversations
            </Link>
          }
        >
          It may have been deleted with its contact.
        </EmptyState>
      );
    }
    return <ErrorState error={conversation.error} onRetry={() => void conversation.refetch()} />;
  }
  return <Reader conversation={conversation.data} />;
}

import { useState, type FormEvent } from 'react';

import { formErrors } from '../../../api/problem';
import { useAddHumanMessage } from '../../../api/useConversations';
import { Button } from '../../../components/Button';
import { FormError, TextAreaField } from '../../../components/Field';

/** A colleague answers in the conversation; the agent then stays quiet for its pause. */
export function HumanReplyForm({
  tenantId,
  conversationId,
}: {
  tenantId: string;
  conversationId: string;
}) {
  const reply = useAddHumanMessage(tenantId, conversationId);
  const [content, setContent] = useState('');
  const errors = formErrors(reply.error, ['content'], { includeGeneral: true });

  function submit(event: FormEvent) {
    event.preventDefault();
    const text = content.trim();
    if (!text) return;
    reply.mutate(text, { onSuccess: () => setContent('') });
  }

  return (
    <form onSubmit={submit} className="space-y-2">
      <TextAreaField
        label="Your reply"
        rows={3}
        maxLength={8000}
        value={content}
        error={errors.fields.content}
        hint="Sent as you, not the agent; the agent then pauses in this conversation."
        onChange={(event) => setContent(event.target.value)}
      />
      <FormError message={errors.form} />
      <div className="flex justify-end">
        <Button type="submit" loading={reply.isPending} disabled={content.trim() === ''}>
          Send reply
        </Button>
      </div>
    </form>
  );
}

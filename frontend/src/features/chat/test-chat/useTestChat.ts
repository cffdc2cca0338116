import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';

import { streamChat } from '../../../api/chatStream';
import { queryKeys } from '../../../api/keys';
import { ApiError } from '../../../api/problem';
import type { ContactRef, Problem } from '../../../client';
import { applyEvent, endTurn, pendingTurn, type AgentTurn, type TestTurn } from './testTurns';

let nextKey = 1;
const newKey = () => `turn-${nextKey++}`;

/**
 * A test-mode conversation with one agent, answered over Server-Sent Events: the answer grows
 * token by token, `stop` aborts the request (the server stops the model and stores the partial
 * answer as failed), `reset` starts a new conversation.
 */
export function useTestChat(tenantId: string, agentId: string) {
  const queryClient = useQueryClient();
  const [turns, setTurns] = useState<TestTurn[]>([]);
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [streaming, setStreaming] = useState(false);
  const controller = useRef<AbortController | null>(null);

  useEffect(() => () => controller.current?.abort(), []);

  const update = useCallback((key: string, change: (turn: AgentTurn) => AgentTurn) => {
    setTurns((current) =>
      current.map((turn) => (turn.key === key && turn.role === 'assistant' ? change(turn) : turn)),
    );
  }, []);

  const send = useCallback(
    async (text: string, contact: ContactRef | null) => {
      if (controller.current) return;
      const abort = new AbortController();
      controller.current = abort;
      const key = newKey();
      setTurns((current) => [...current, { key: newKey(), role: 'user', text }, pendingTurn(key)]);
      setStreaming(true);
      let problem: Problem | null = null;
      try {
        await streamChat({
          tenantId,
          agentId,
          body: {
            message: text,
            mode: 'test',
            ...(conversationId ? { conversation_id: conversationId } : {}),
            ...(contact && !conversationId ? { contact } : {}),
          },
          signal: abort.signal,
          onEvent: (event) => {
            if (event.event === 'start') setConversationId(event.data.conversation_id);
            update(key, (turn) => applyEvent(turn, event));
          },
        });
      } catch (error) {
        problem =
          error instanceof ApiError
            ? error.problem
            : { type: 'about:blank', title: 'The answer failed', status: 0 };
      } finally {
        update(key, (turn) => endTurn(turn, abort.signal.aborted, problem));
        controller.current = null;
        setStreaming(false);
        void queryClient.invalidateQueries({ queryKey: queryKeys.conversations(tenantId) });
      }
    },
    [agentId, conversationId, queryClient, tenantId, update],
  );

  const stop = useCallback(() => controller.current?.abort(), []);

  const reset = useCallback(() => {
    controller.current?.abort();
    setTurns([]);
    setConversationId(null);
  }, []);

  return { turns, conversationId, streaming, send, stop, reset };
}

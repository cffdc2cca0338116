import type { ToolCallRecord } from '../../api/chatStream';

export type { ToolCallRecord };

export function isToolCall(item: unknown): item is ToolCallRecord {
  return typeof item === 'object' && item !== null && 'name' in item && 'status' in item;
}

/** The stored tool calls of a message (typed loosely by the schema) that have the usual shape. */
export function toolCallsOf(items: readonly unknown[]): ToolCallRecord[] {
  return items.filter(isToolCall);
}

export interface Handoff {
  reason: string;
  summary: string;
}

/** The hand-off an answer made, if it made one (the `handoff` tool, run successfully). */
export function handoffOf(calls: readonly ToolCallRecord[]): Handoff | null {
  const call = calls.find((c) => c.name === 'handoff' && c.status === 'ok');
  if (!call) return null;
  const args = typeof call.arguments === 'object' ? call.arguments : {};
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return { reason: text(args.reason), summary: text(args.summary) };
}

/** "stage: Qualified, text: …": a call's arguments in one line. */
export function argumentsLine(args: ToolCallRecord['arguments']): string {
  if (typeof args === 'string') return args;
  return Object.entries(args)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

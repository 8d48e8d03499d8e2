import type { ChatMessage } from '@aigw/contracts';

/** One turn of a thread as stored: the client's messages, then the assistant's reply. */
export interface StoredInteraction {
  readonly messages: readonly ChatMessage[];
}

/**
 * The history sent upstream, as the seed's memory manager keeps it: the last `msgCount` interactions,
 * oldest first, and always the thread's first user message — put first when its interaction has
 * been trimmed away (never twice). `interactions` are the thread's turns in order.
 */
export function trimHistory(interactions: readonly StoredInteraction[], msgCount: number): ChatMessage[] {
  const kept = interactions.slice(Math.max(0, interactions.length - msgCount));
  const recent = kept.flatMap((interaction) => interaction.messages);
  if (kept.length === interactions.length) return recent;
  const firstUser = interactions[0]?.messages.find((message) => message.role === 'user');
  return firstUser === undefined ? recent : [firstUser, ...recent];
}

/**
 * The turns worth storing: the first one (for its first user message) and the last `msgCount`. The
 * result is what `trimHistory` needs to give the same answer, so older turns can be deleted.
 */
export function interactionsToKeep<T>(interactions: readonly T[], msgCount: number): T[] {
  if (interactions.length <= msgCount + 1) return [...interactions];
  return [interactions[0], ...interactions.slice(interactions.length - msgCount)];
}

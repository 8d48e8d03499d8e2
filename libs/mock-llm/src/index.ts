export type { MockLlm, MockLlmOptions } from './mock-llm.server';
export { DEFAULT_MAX_RECORDED_REQUESTS, startMockLlm } from './mock-llm.server';
export type { MockBehaviour } from './mock-behaviour.schema';
export { MockBehaviourSchema } from './mock-behaviour.schema';
export type { RequestsPredicate } from './mock-control';
export { MockControl } from './mock-control';
export { MockControlClient } from './mock-control.client';
export type { RecordedRequest } from './request-log';
export { BUILTIN_MODELS, DEFAULT_INSTANCE } from './mock-state';

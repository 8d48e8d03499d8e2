import { z } from 'zod';

export const MockLlmEnvSchema = z.object({
  MOCK_LLM_HOST: z.string().min(1).default('127.0.0.1'),
  MOCK_LLM_PORT: z.coerce.number().int().min(0).max(65_535).default(4010),
  /** Size of the request log kept for `/_mock/requests`. */
  MOCK_LLM_MAX_RECORDED_REQUESTS: z.coerce.number().int().positive().default(10_000),
});
export type MockLlmEnv = z.infer<typeof MockLlmEnvSchema>;

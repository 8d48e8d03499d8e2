/**
 * One application of the `/metrics` sample in the ganrad openai-api-router README (seed 003), trimmed
 * to one history entry: the shape existing users of that JSON read.
 */
export const SEED_METRICS_SAMPLE = {
  listenPort: '8000',
  instanceName: 'Gateway-Instance-01',
  collectionIntervalMins: 1,
  historyCount: 5,
  applicationMetrics: [
    {
      applicationId: 'aichatbotapp',
      cacheMetrics: { hitCount: 7, avgScore: 0.9999999148505135 },
      endpointMetrics: [
        {
          endpoint:
            'https://oai-gr-dev.openai.azure.com/openai/deployments/dev-gpt35-turbo-16k/chat/completions?api-version=2024-02-01',
          priority: 0,
          metrics: {
            apiCalls: 2,
            failedApiCalls: 0,
            throttledApiCalls: 0,
            filteredApiCalls: 0,
            totalApiCalls: 2,
            kInferenceTokens: 723,
            history: {
              '1': {
                collectionTime: '5/5/2024, 7:42:25 PM',
                collectedMetrics: {
                  apiCalls: 9,
                  failedApiCalls: 0,
                  throttledApiCalls: 0,
                  filteredApiCalls: 0,
                  totalApiCalls: 9,
                  throughput: {
                    kTokensPerWindow: 4.367,
                    requestsPerWindow: 26.201999999999998,
                    avgTokensPerCall: 485.22222222222223,
                    avgRequestsPerCall: 2.9113333333333333,
                    tokensPerMinute: 4367,
                    requestsPerMinute: 9,
                  },
                  latency: { avgResponseTimeMsec: 5201.666666666667 },
                },
              },
            },
          },
        },
      ],
    },
  ],
  successApiCalls: 17,
  cachedApiCalls: 1757,
  failedApiCalls: 0,
  totalApiCalls: 1774,
  endpointUri: '/api/v1/dev/apirouter/metrics',
  currentDate: '5/5/2024, 7:45:55 PM',
  status: 'OK',
};

/**
 * Every key path of a JSON value with its JSON type, array items and numeric record keys folded
 * (`applicationMetrics[].endpointMetrics[].metrics.history.#.collectionTime: string`).
 */
export function shapeOf(value: unknown, path = ''): Map<string, string> {
  const shape = new Map<string, string>();
  const visit = (node: unknown, at: string): void => {
    if (Array.isArray(node)) {
      shape.set(at, 'array');
      for (const item of node) visit(item, `${at}[]`);
    } else if (node !== null && typeof node === 'object') {
      if (at) shape.set(at, 'object');
      for (const [key, child] of Object.entries(node))
        visit(child, `${at ? `${at}.` : ''}${/^\d+$/.test(key) ? '#' : key}`);
    } else {
      shape.set(at, node === null ? 'null' : typeof node);
    }
  };
  visit(value, path);
  return shape;
}

/**
 * Every NATS subject in the system. Request/reply subjects are `<service>.v1.<action>`;
 * events are `<domain>.<past-tense>`. The transport may prepend a deployment namespace
 * (BUS_NAMESPACE), so several gateways can share one NATS cluster.
 */
export const Subjects = {
  router: {
    chat: 'router.v1.chat',
    completions: 'router.v1.completions',
    embeddings: 'router.v1.embeddings',
    /** Streaming variants reply with a sequence of `RouterStreamEvent` messages. */
    chatStream: 'router.v1.chat.stream',
    completionsStream: 'router.v1.completions.stream',
    health: 'router.v1.health',
    /** Request/reply: endpoint health, breakers, cool-downs and limit counters (`RouterState`). */
    state: 'router.v1.state',
  },
  cache: { health: 'cache.v1.health', lookup: 'cache.v1.lookup', stats: 'cache.v1.stats' },
  memory: { health: 'memory.v1.health', load: 'memory.v1.load' },
  metrics: { health: 'metrics.v1.health', summary: 'metrics.v1.summary' },
  admin: {
    health: 'admin.v1.health',
    configVersion: 'admin.v1.config.version',
    /** Request/reply: the active configuration document and its version (`ConfigGetReply`). */
    configGet: 'admin.v1.config.get',
  },
  /** Events (`<domain>.<past-tense>`): every committed configuration change (`ConfigChangedEvent`). */
  config: { changed: 'config.changed' },
  /** Events: access-log lines and request-log records, for a log pipeline (`logging.publish`). */
  logs: { requests: 'requests.logged' },
} as const;

/** The six services of the platform; each joins a NATS queue group named after itself. */
export const SERVICE_NAMES = ['gateway', 'router', 'cache', 'memory', 'metrics', 'admin'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Services that answer on the bus (the gateway is HTTP ingress only). */
export const BUS_SERVICES = ['router', 'cache', 'memory', 'metrics', 'admin'] as const;
export type BusServiceName = (typeof BUS_SERVICES)[number];

export const HEALTH_SUBJECTS: Record<BusServiceName, string> = {
  router: Subjects.router.health,
  cache: Subjects.cache.health,
  memory: Subjects.memory.health,
  metrics: Subjects.metrics.health,
  admin: Subjects.admin.health,
};

/** Message headers set by the transport, never by business code. */
export const BusHeaders = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  requestId: 'x-request-id',
} as const;

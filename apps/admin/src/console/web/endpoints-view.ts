import type { Child } from './dom.js';
import { duration, h } from './dom.js';
import type { ApplicationState, EndpointState, LimitCounter, RouterState } from './wire.js';

type Tone = 'ok' | 'warn' | 'bad' | 'idle';

const pill = (tone: Tone, text: string, attributes: Record<string, string> = {}) =>
  h('span', { class: `pill ${tone}`, ...attributes }, text);

function health(endpoint: EndpointState): HTMLElement {
  if (endpoint.health === 'unhealthy') return pill('bad', 'unhealthy', { 'data-health': 'unhealthy' });
  if (endpoint.health === 'healthy') return pill('ok', 'healthy', { 'data-health': 'healthy' });
  return pill('idle', 'not checked', { 'data-health': 'unchecked' });
}

function breaker(endpoint: EndpointState): HTMLElement {
  const { state, retryAfterMs } = endpoint.breaker;
  if (state === 'open')
    return pill('bad', `open, probe in ${duration(retryAfterMs ?? 0)}`, { 'data-breaker': 'open' });
  if (state === 'half_open') return pill('warn', 'half-open', { 'data-breaker': 'half_open' });
  return pill('ok', 'closed', { 'data-breaker': 'closed' });
}

function coolDown(endpoint: EndpointState): Child {
  if (endpoint.coolDownMs > 0)
    return pill('warn', `cooling down ${duration(endpoint.coolDownMs)}`, { 'data-cooldown': 'yes' });
  if (endpoint.overloadedMs > 0)
    return pill('warn', `overloaded ${duration(endpoint.overloadedMs)}`, { 'data-cooldown': 'overloaded' });
  return pill('idle', 'none', { 'data-cooldown': 'no' });
}

function limits(counters: readonly LimitCounter[]): HTMLElement {
  if (counters.length === 0) return h('span', { class: 'limit' }, 'no limits');
  return h(
    'div',
    {},
    ...counters.map((c) => {
      const share = c.limit > 0 ? Math.min(1, c.used / c.limit) : 1;
      const bar = h('span', { class: 'bar' }, h('span', {}));
      (bar.firstElementChild as HTMLElement).style.width = `${Math.round(share * 100)}%`;
      return h(
        'span',
        { class: 'limit', 'data-limit': c.label },
        bar,
        `${c.label}: ${c.used} / ${c.limit}, resets in ${duration(c.resetMs)}`,
      );
    }),
  );
}

function applicationRows(app: ApplicationState): HTMLElement[] {
  const head = h(
    'tr',
    { class: 'application', 'data-application': app.applicationId },
    h(
      'td',
      { colspan: 3 },
      `${app.applicationId} `,
      h('span', { class: 'meta' }, `${app.type} · ${app.strategy}`),
    ),
    h('td', { colspan: 4 }, limits(app.limits)),
  );
  const rows = app.endpoints.map((e) =>
    h(
      'tr',
      { class: 'endpoint', 'data-endpoint': `${app.applicationId}/${e.endpointId}` },
      h('td', {}, e.endpointId),
      h('td', {}, e.provider),
      h('td', {}, e.priority),
      h('td', { class: 'health' }, health(e)),
      h('td', { class: 'breaker' }, breaker(e)),
      h('td', { class: 'cooldown' }, coolDown(e)),
      h('td', { class: 'limits' }, limits(e.limits)),
    ),
  );
  return [head, ...rows];
}

/** The applications and their endpoints as the router sees them now. */
export function renderEndpoints(container: HTMLElement, state: RouterState): void {
  const columns = ['Endpoint', 'Provider', 'Priority', 'Health', 'Breaker', 'Cool-down', 'Limits'];
  const table = h(
    'table',
    { id: 'endpoints-table' },
    h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', {}, c)))),
    h('tbody', {}, ...state.applications.flatMap(applicationRows)),
  );
  container.replaceChildren(table);
}

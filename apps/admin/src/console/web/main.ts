import { ApiError, api, credential } from './api.js';
import { CHARTS, lineChart } from './charts.js';
import { renderConsumers } from './consumers-view.js';
import { byId, h } from './dom.js';
import { renderEndpoints } from './endpoints-view.js';
import type { ChangeEnvelope, Consumer, MetricsSeries, RouterState } from './wire.js';

/** How often the live state is read again. */
const REFRESH_MS = 5_000;
const ALL = '';

let timer: number | undefined;
let series: MetricsSeries | null = null;

const show = (id: string, visible: boolean) => {
  byId(id).hidden = !visible;
};
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

function signIn(problem = ''): void {
  window.clearTimeout(timer);
  credential.clear();
  show('dashboard', false);
  show('sign-out', false);
  show('login', true);
  byId('config-version').textContent = '';
  byId('login-error').textContent = problem;
  byId<HTMLInputElement>('credential').focus();
}

/** Ends the session when the credential stopped working; otherwise shows the problem where it occurred. */
function failed(error: unknown, where: string): void {
  if (error instanceof ApiError && error.unauthorized) signIn(`Signed out: ${error.message}`);
  else byId(where).textContent = message(error);
}

async function refreshState(): Promise<void> {
  const state = await api<RouterState>('GET', '/admin/v1/state');
  renderEndpoints(byId('endpoints'), state);
  byId('config-version').textContent = `configuration ${state.configVersion}`;
  byId('state-meta').textContent =
    `Read at ${new Date(state.readAt).toLocaleTimeString()} from the router's ` +
    (state.store === 'shared' ? 'shared state (every replica).' : 'state (embedded mode).');
}

function renderCharts(): void {
  if (series === null) return;
  const select = byId<HTMLSelectElement>('chart-application');
  const chosen = select.value;
  const ids = series.applications.map((a) => a.applicationId);
  // Rebuilt only when the applications change, so a refresh never closes an open list.
  const listed = [...select.options].map((o) => o.value);
  if (listed.join('\n') !== [ALL, ...ids].join('\n')) {
    select.replaceChildren(
      h('option', { value: ALL }, 'All applications'),
      ...ids.map((id) => h('option', { value: id }, id)),
    );
    select.value = ids.includes(chosen) ? chosen : ALL;
  }
  const points =
    select.value === ALL
      ? series.total
      : (series.applications.find((a) => a.applicationId === select.value)?.points ?? []);
  byId('charts').replaceChildren(...CHARTS.map((chart) => lineChart(chart, points)));
  byId('charts-meta').textContent =
    `${points.length} finished interval(s) of ${series.intervalMinutes} min ` +
    `(the last ${series.historyCount} are kept per endpoint).`;
}

async function refreshMetrics(): Promise<void> {
  series = await api<MetricsSeries>('GET', '/admin/v1/metrics');
  renderCharts();
}

async function refreshConsumers(): Promise<void> {
  const { data } = await api<{ data: Consumer[] }>('GET', '/admin/v1/consumers');
  renderConsumers(byId('consumers'), data, { newKey, revoke });
  byId('consumers-error').textContent = '';
}

async function refresh(): Promise<void> {
  window.clearTimeout(timer);
  byId('dashboard-error').textContent = '';
  const results = await Promise.allSettled([refreshState(), refreshMetrics(), refreshConsumers()]);
  const problems = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const unauthorized = problems.find((p) => p instanceof ApiError && p.unauthorized);
  if (unauthorized !== undefined) return failed(unauthorized, 'dashboard-error');
  byId('dashboard-error').textContent = problems.map(message).join(' ');
  timer = window.setTimeout(() => void refresh(), REFRESH_MS);
}

function showKey(id: string, key: string): void {
  byId('new-key-consumer').textContent = id;
  byId('new-key-value').textContent = key;
  show('new-key', true);
}

async function createConsumer(form: HTMLFormElement): Promise<void> {
  const id = byId<HTMLInputElement>('consumer-id').value.trim();
  const applications = byId<HTMLInputElement>('consumer-applications')
    .value.split(',')
    .map((a) => a.trim())
    .filter((a) => a !== '');
  const created = await api<ChangeEnvelope<Consumer>>('POST', '/admin/v1/consumers', {
    id,
    applications: applications.length > 0 ? applications : ['*'],
  });
  form.reset();
  if (created.key !== undefined) showKey(id, created.key);
  await refreshConsumers();
}

function newKey(id: string): void {
  if (!window.confirm(`Generate a new key for ${id}? Its current key stops working.`)) return;
  api<ChangeEnvelope<Consumer>>('POST', `/admin/v1/consumers/${encodeURIComponent(id)}/keys`)
    .then(async (made) => {
      if (made.key !== undefined) showKey(id, made.key);
      await refreshConsumers();
    })
    .catch((error: unknown) => failed(error, 'consumers-error'));
}

function revoke(id: string): void {
  if (!window.confirm(`Revoke the key of ${id}? Clients using it get 401 from then on.`)) return;
  api('DELETE', `/admin/v1/consumers/${encodeURIComponent(id)}/keys`)
    .then(() => refreshConsumers())
    .catch((error: unknown) => failed(error, 'consumers-error'));
}

function start(): void {
  show('login', false);
  show('dashboard', true);
  show('sign-out', true);
  void refresh();
}

function boot(): void {
  byId('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = byId<HTMLInputElement>('credential');
    const value = input.value.trim();
    input.value = '';
    if (value === '') return;
    credential.set(value);
    // One authenticated read tells whether the credential works before the dashboard shows.
    api('GET', '/admin/v1/consumers')
      .then(start)
      .catch((error: unknown) =>
        signIn(error instanceof ApiError && error.unauthorized ? error.message : message(error)),
      );
  });
  byId('sign-out').addEventListener('click', () => signIn());
  byId('consumer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    createConsumer(event.target as HTMLFormElement).catch((error: unknown) =>
      failed(error, 'consumers-error'),
    );
  });
  byId('new-key-dismiss').addEventListener('click', () => {
    byId('new-key-value').textContent = '';
    show('new-key', false);
  });
  byId('chart-application').addEventListener('change', renderCharts);
  if (credential.get() === null) signIn();
  else start();
}

boot();

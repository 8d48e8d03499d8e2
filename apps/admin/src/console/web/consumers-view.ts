import { h } from './dom.js';
import type { Consumer } from './wire.js';

export interface ConsumerActions {
  readonly newKey: (id: string) => void;
  readonly revoke: (id: string) => void;
}

function credential(consumer: Consumer): HTMLElement {
  const c = consumer.credential;
  if (c.kind === 'revoked') return h('span', { class: 'pill bad', 'data-credential': 'revoked' }, 'revoked');
  if (c.kind === 'env') return h('span', { class: 'pill idle', 'data-credential': 'env' }, `from $${c.env}`);
  return h('span', { class: 'pill ok', 'data-credential': 'key' }, `key ${c.fingerprint}…`);
}

/** The consumers (`auth.keys`): never a key, only how each one authenticates. */
export function renderConsumers(
  container: HTMLElement,
  consumers: readonly Consumer[],
  actions: ConsumerActions,
): void {
  const rows = consumers.map((consumer) => {
    const newKey = h('button', { type: 'button', class: 'secondary', 'data-action': 'new-key' }, 'New key');
    newKey.addEventListener('click', () => actions.newKey(consumer.id));
    const revoke = h(
      'button',
      {
        type: 'button',
        class: 'danger',
        'data-action': 'revoke',
        disabled: consumer.credential.kind === 'revoked',
      },
      'Revoke',
    );
    revoke.addEventListener('click', () => actions.revoke(consumer.id));
    const apps =
      consumer.applications === undefined || consumer.applications === null ? ['*'] : consumer.applications;
    return h(
      'tr',
      { 'data-consumer': consumer.id },
      h('td', {}, consumer.id),
      h('td', {}, apps.join(', ')),
      h('td', {}, consumer.environment ?? 'production'),
      h('td', { class: 'credential' }, credential(consumer)),
      h('td', { class: 'actions' }, newKey, revoke),
    );
  });
  container.replaceChildren(
    h(
      'table',
      { id: 'consumers-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Consumer', 'Applications', 'Environment', 'Credential', ''].map((c) => h('th', {}, c)),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

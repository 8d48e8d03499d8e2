import type { Env, GatewayConfig } from '@aigw/config';
import { parseConfigText } from '@aigw/config';
import type { IConfigMap, ISecret } from 'kubernetes-models/v1';
import { parse } from 'yaml';
import type { K8sObject } from './kustomize';

/** A generated object's name is `<name>-<content hash>`; its references are rewritten to match. */
export function generated<T extends K8sObject | IConfigMap | ISecret>(
  objects: readonly K8sObject[],
  kind: 'ConfigMap' | 'Secret',
  name: string,
): T | undefined {
  return objects.find(
    (o) => o.kind === kind && new RegExp(`^${name}(-[a-z0-9]{10})?$`).test(o.metadata.name),
  ) as T | undefined;
}

export const GATEWAY_CONFIG_MAP = 'aigw-gateway-config';

export function gatewayConfigText(objects: readonly K8sObject[]): string {
  const text = generated<IConfigMap>(objects, 'ConfigMap', GATEWAY_CONFIG_MAP)?.data?.['gateway.yaml'];
  if (text === undefined) throw new Error(`no ConfigMap ${GATEWAY_CONFIG_MAP} with key gateway.yaml`);
  return text;
}

/** An environment where every variable is set: checks the config file itself, not where keys come from. */
const EVERY_VARIABLE_SET: Env = new Proxy(
  {},
  { get: (_target, name) => (typeof name === 'string' ? 'set' : undefined) },
);

/** The overlay's gateway config, validated by the gateway's own loader. */
export function gatewayConfigOf(objects: readonly K8sObject[]): GatewayConfig {
  return parseConfigText(gatewayConfigText(objects), EVERY_VARIABLE_SET, GATEWAY_CONFIG_MAP);
}

/** The env variable names the config file refers to: client keys and provider keys. */
export function configEnvNames(objects: readonly K8sObject[]): {
  clientKeys: string[];
  providerKeys: string[];
} {
  const raw = parse(gatewayConfigText(objects)) as {
    auth?: { keys?: Array<{ env?: string }> };
    applications?: Array<{ endpoints?: Array<{ apiKeyEnv?: string; provider?: string }> }>;
  };
  return {
    clientKeys: (raw.auth?.keys ?? []).flatMap((k) => (k.env ? [k.env] : [])),
    providerKeys: (raw.applications ?? []).flatMap((a) =>
      (a.endpoints ?? []).flatMap((e) => (e.apiKeyEnv ? [e.apiKeyEnv] : [])),
    ),
  };
}

export function usesMockProvider(config: GatewayConfig): boolean {
  return config.applications.some((a) => a.endpoints.some((e) => e.provider === 'mock'));
}

/** A Secret's values, decoded. */
export function secretData(secret: ISecret): Record<string, string> {
  return {
    ...secret.stringData,
    ...Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    ),
  };
}

import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IPodSpec, IPodTemplateSpec } from 'kubernetes-models/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import type { K8sObject } from './kustomize';

interface Validatable {
  validate(): void;
}

/** The kinds the manifests may hold, each with its model from the Kubernetes OpenAPI schemas. */
const MODELS: Record<string, new (data: never) => Validatable> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
};

/**
 * kustomize wraps long base64 Secret values over several lines; the API server decodes them with Go's
 * base64 decoder, which skips newlines, while the schema's `byte` format does not.
 */
function normalized(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || !object['data']) return object;
  const data = Object.entries(object['data'] as Record<string, string>).map(([k, v]) => [
    k,
    v.replace(/\s+/g, ''),
  ]);
  return { ...object, data: Object.fromEntries(data) };
}

/** Validates an object against its kind's schema; returns the problems, none when valid. */
export function schemaProblems(object: K8sObject): string[] {
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) return [`no model for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(normalized(object) as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** A Deployment, StatefulSet or Job: something that runs pods from a template. */
export interface Workload {
  readonly kind: string;
  readonly name: string;
  readonly template: IPodTemplateSpec;
  readonly pod: IPodSpec;
  readonly replicas: number | undefined;
}

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];

export function workloadsOf(objects: readonly K8sObject[]): Workload[] {
  return objects
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o) => {
      const spec = o['spec'] as { template: IPodTemplateSpec; replicas?: number };
      return {
        kind: o.kind,
        name: o.metadata.name,
        template: spec.template,
        pod: spec.template.spec!,
        replicas: spec.replicas,
      };
    });
}

export function containersOf(pod: IPodSpec): IContainer[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

/** Whether a label selector (matchLabels only, as these manifests use) selects a pod's labels. */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> = {},
): boolean {
  return selector !== undefined && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

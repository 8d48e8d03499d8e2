import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-paths';

/** PromQL series names of an expression: identifiers that are not functions, keywords or labels. */
export function seriesOf(expr: string): string[] {
  const stripped = expr
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without)\s*\([^)]*\)/g, '')
    .replace(/"[^"]*"/g, '');
  return [...stripped.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((m) => m[1] ?? '')
    .filter((name) => name !== '' && !/^\d/.test(name));
}

interface DashboardJson {
  readonly panels?: ReadonlyArray<{ readonly targets?: ReadonlyArray<{ readonly expr?: string }> }>;
  readonly templating?: { readonly list?: ReadonlyArray<{ readonly definition?: string }> };
}

export const DASHBOARDS_DIR = join('deploy', 'observability', 'grafana', 'dashboards');

/** Every series the provisioned Grafana dashboards query (panels and template variables). */
export function dashboardSeries(): string[] {
  const dir = join(repoRoot(), DASHBOARDS_DIR);
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(dir, file), 'utf8')) as DashboardJson;
    const exprs = [
      ...(dashboard.panels ?? []).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
      ...(dashboard.templating?.list ?? []).map((v) =>
        (v.definition ?? '').replace(/^label_values\(([^,)]+).*$/, '$1'),
      ),
    ];
    for (const expr of exprs) for (const series of seriesOf(expr)) names.add(series);
  }
  return [...names].sort();
}

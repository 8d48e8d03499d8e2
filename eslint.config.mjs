// Typed ESLint for the whole workspace, plus Nx module boundaries:
// apps never import apps, only the router imports provider adapters, the gateway never touches storage.
import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const DEP_CONSTRAINTS = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  {
    sourceTag: 'type:infra',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'],
  },
  {
    sourceTag: 'type:data',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'],
  },
  {
    sourceTag: 'type:providers',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra'],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: [
      'type:contracts',
      'type:util',
      'type:infra',
      'type:data',
      'type:providers',
      'type:dev',
    ],
  },
  {
    sourceTag: 'scope:gateway',
    notDependOnLibsWithTags: ['type:data', 'type:providers', 'type:dev'],
  },
  { sourceTag: 'scope:cache', notDependOnLibsWithTags: ['type:providers', 'type:dev'] },
  { sourceTag: 'scope:memory', notDependOnLibsWithTags: ['type:providers', 'type:dev'] },
  { sourceTag: 'scope:metrics', notDependOnLibsWithTags: ['type:providers', 'type:dev'] },
  { sourceTag: 'scope:admin', notDependOnLibsWithTags: ['type:providers', 'type:dev'] },
  { sourceTag: 'scope:dev', notDependOnLibsWithTags: ['type:providers', 'type:data'] },
  { sourceTag: 'type:dev', onlyDependOnLibsWithTags: ['type:contracts', 'type:util'] },
  {
    sourceTag: 'type:launcher',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', 'type:data', 'type:dev'],
  },
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', 'type:testing', 'type:dev'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:infra', 'type:testing', 'type:dev'],
  },
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:testing', 'type:dev'],
  },
];

/**
 * Specs and the test helpers of an app may use the shared test harness (libs/testing: throw-away
 * servers, databases, the mock provider), which the app's own code may not.
 */
const TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.filter((c) => !c.sourceTag.startsWith('scope:')).map((c) =>
  c.sourceTag === 'type:app'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.nx/**', '.data/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
      // Nest reads constructor parameter types at runtime (emitDecoratorMetadata): a type-only import
      // of an injected class would erase the token. Services are imported as values on purpose.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: DEP_CONSTRAINTS,
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'apps/*/src/test/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints: TEST_DEP_CONSTRAINTS },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  prettier,
);

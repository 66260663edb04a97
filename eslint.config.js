// @ts-check
import tseslint from 'typescript-eslint';

/**
 * The layers of DESIGN §9 kept apart: each may import only the layers below it. The domain is
 * pure rules; adapters speak to the outside world with domain types; the store is SQL; services
 * combine them; jobs, http and the cli are the ways in. The console shares only the domain and
 * Node-free adapters.
 */
const layer = (files, forbidden, sqlAllowed = false) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        paths: sqlAllowed
          ? []
          : [
              {
                name: 'kysely',
                importNames: ['sql'],
                message: 'SQL lives in src/store (DESIGN §9)',
              },
            ],
        patterns: [
          {
            regex: `(^|/)(${forbidden.filter((f) => f !== 'node:').join('|')})/${forbidden.includes('node:') ? '|^node:' : ''}`,
            message: `this layer must not import from ${forbidden.join(', ')} (DESIGN §9)`,
          },
        ],
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-output/**', 'bin/**', '**/*.cjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  layer(['src/domain/**'], ['adapters', 'store', 'services', 'jobs', 'http', 'cli']),
  layer(['src/adapters/**'], ['store', 'services', 'jobs', 'http', 'cli']),
  // The contract is shared with the console: zod and the domain only, no Node APIs.
  layer(['src/contract/**'], ['node:', 'adapters', 'store', 'services', 'jobs', 'http', 'cli']),
  layer(['src/store/**'], ['adapters', 'services', 'jobs', 'http', 'cli'], true),
  layer(['src/services/**'], ['jobs', 'http', 'cli']),
  layer(['src/jobs/**'], ['http', 'cli']),
  layer(['src/http/**'], ['cli']),
  layer(['web/src/**'], ['src/store', 'src/services', 'src/jobs', 'src/http', 'src/cli']),
  {
    // Queries are built only in the store: everywhere else asks a repository.
    files: ['src/**'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        ...['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'mergeInto'].map(
          (property) => ({
            property,
            message: 'SQL lives in src/store (DESIGN §9): call a repository',
          }),
        ),
      ],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

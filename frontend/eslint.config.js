// ESLint for the SPA: type-aware TypeScript rules, React hooks and fast refresh, accessibility,
// and the import boundaries of src/ (see `restrictedImports` below). `npm run lint` runs it.
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import reactHooks from 'eslint-plugin-react-hooks';
import reactRefresh from 'eslint-plugin-react-refresh';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * The generated SDK (src/client) is called only from src/api, whose hooks add the query keys,
 * the error handling and the cache invalidation; everything else goes through those hooks.
 * Its types are the API's contract and may be imported anywhere (`import type`).
 */
const GENERATED_CLIENT = {
  regex: String.raw`^(\.\.?/)+client(/.*)?$`,
  allowTypeImports: true,
  message: 'Call the API through a hook in src/api/; only types may come from src/client.',
};

/**
 * A feature may use another feature's top-level modules (its shared components and helpers),
 * but not what lies in that feature's sub-folders. `up` is how many `../` lead from the file's
 * folder to src/features/.
 */
function otherFeatureInternals(up) {
  return {
    regex: String.raw`^(\.\./){${up}}[^./][^/]*/[^/]+/`,
    message:
      "That is another feature's internals: import its top-level module, or move the code up.",
  };
}

function restrictedImports(...patterns) {
  return ['error', { patterns: [GENERATED_CLIENT, ...patterns] }];
}

export default defineConfig(
  globalIgnores(['dist/', 'coverage/', 'src/client/']),

  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'never' }],
      '@typescript-eslint/no-restricted-imports': restrictedImports(),
      // `const { secret: _secret, ...rest } = item` is how the code drops fields from a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },

  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.flat.recommended.rules,
  },
  {
    files: ['src/**/*.tsx'],
    ...reactRefresh.configs.vite,
  },
  {
    files: ['src/**/*.tsx'],
    ...jsxA11y.flatConfigs.recommended,
    rules: {
      ...jsxA11y.flatConfigs.recommended.rules,
      // A checkbox's label here is <label><input/><span><span>Name</span>…</span></label>.
      'jsx-a11y/label-has-associated-control': ['error', { depth: 3 }],
    },
  },

  // The boundaries of src/ (see GENERATED_CLIENT and otherFeatureInternals above).
  {
    files: ['src/api/**'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['src/features/*/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports(otherFeatureInternals(1)),
    },
  },
  {
    files: ['src/features/*/*/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrictedImports(otherFeatureInternals(2)),
    },
  },

  // Tooling that runs in Node: plain JavaScript outside the TypeScript projects.
  {
    files: ['**/*.{js,mjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);

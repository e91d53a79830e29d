// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layering rules from DESIGN.md §1, enforced on imports. ESLint replaces (does not merge) a
 * rule's options when several blocks match a file, so each area gets ONE block that lists every
 * restriction that applies to it.
 */
const ELECTRON = {
  name: 'electron',
  message: "Only main/shell/ and preload/ may import 'electron'; everything else must run in plain Node.",
};
const ELECTRON_SUBPATH = {
  regex: '^electron/',
  message: "Only main/shell/ and preload/ may import 'electron'.",
};
const MAIN_BEYOND_CONTRACT = {
  regex: '(^|/)main/(?!contract(/|$))',
  message: 'This side may import only main/contract/ from main/.',
};
const NODE_BUILTINS = {
  regex: '^node:',
  message: 'The renderer runs in a browser sandbox: no Node built-ins.',
};
const TOP_LAYERS = {
  regex: '(^|/)(shell|cli|server)(/|$)',
  message: 'Nothing imports main/shell/, main/cli/ or main/server/: they sit on top and wire things together.',
};
const CONTRACT_ONLY_ZOD = {
  regex: '^(?!zod$|\\./)',
  message: 'main/contract/ imports nothing but zod (and its own files).',
};
const MIGRATION_NO_PROJECT = {
  regex: '^\\.\\./',
  message: 'Migrations import no project code: they must stay valid forever.',
};

const CONNECTOR_NO_STORE_PIPELINE = {
  regex: '(^|/)(store|pipeline)(/|$)',
  message: 'main/connectors/ imports neither main/store/ nor main/pipeline/: connectors are handed to drivers, they know nothing of storage.',
};
// From inside a tool folder (main/connectors/wazuh/...), "../x.js" is the framework and
// "../other/x.js" is another tool. Tool folders stay flat so the relative form says which.
const CONNECTOR_NO_SIBLING = {
  regex: '^\\.\\./[^./][^/]*/|(^|/)connectors/[^/]+/',
  message: 'A connector folder imports no other connector folder: shared code goes to main/connectors/ itself.',
};

const INLINE_STYLE = "A style attribute in HTML text is blocked by the page's CSP (style-src 'self'): give it a class in a stylesheet.";

const restrict = (paths, patterns) => ({
  'no-restricted-imports': ['error', { paths, patterns }],
});

export default tseslint.config(
  {
    ignores: ['dist/**', 'release/**', '.tsbuild/**', 'node_modules/**', 'test-results/**', 'test/artifacts/**', 'test/fixtures/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'off',
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, MAIN_BEYOND_CONTRACT, NODE_BUILTINS]),
  },
  {
    // the page's Content-Security-Policy (style-src 'self') blocks style attributes in HTML the
    // renderer writes as text (a chart tooltip's formatter): the markup silently loses its layout
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TemplateElement[value.raw=/\\bstyle\\s*=/]', message: INLINE_STYLE },
        { selector: 'Literal[value=/\\bstyle\\s*=/]', message: INLINE_STYLE },
      ],
    },
  },
  {
    // plain scripts the renderer ships as they are (public/: no bundling, no imports)
    files: ['renderer/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['preload/**/*.ts'],
    rules: restrict([], [MAIN_BEYOND_CONTRACT]),
  },
  {
    files: ['main/**/*.{ts,mjs}'],
    ignores: ['main/shell/**', 'main/cli/**', 'main/server/**', 'main/contract/**', 'main/store/migrations/**', 'main/connectors/**'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, TOP_LAYERS]),
  },
  {
    files: ['main/connectors/*.ts'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, TOP_LAYERS, CONNECTOR_NO_STORE_PIPELINE]),
  },
  {
    files: ['main/connectors/*/**/*.ts'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, TOP_LAYERS, CONNECTOR_NO_STORE_PIPELINE, CONNECTOR_NO_SIBLING]),
  },
  {
    files: ['main/cli/**/*.{ts,mjs}', 'main/server/**/*.ts'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH]),
  },
  {
    files: ['main/contract/**/*.ts'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, CONTRACT_ONLY_ZOD]),
  },
  {
    files: ['main/store/migrations/**/*.ts'],
    rules: restrict([ELECTRON], [ELECTRON_SUBPATH, TOP_LAYERS, MIGRATION_NO_PROJECT]),
  },
  {
    // DESIGN.md: all SQL lives in main/store (repositories, read models, prepared statements)
    files: ['main/**/*.{ts,mjs}'],
    ignores: ['main/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(prepare|exec|pragma)$/][arguments.0.type=/^(Literal|TemplateLiteral)$/]:not([callee.object.regex])",
          message: 'SQL lives in main/store: add a repository method (or a read model) there and call it.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.{ts,mjs}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);

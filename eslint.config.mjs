import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'libs/client/dist/**',
      'libs/capture/dist/**',
      'node_modules/**',
      'models/**',
      'coverage/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/explicit-module-boundary-types': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    files: ['libs/face/**/*.ts', 'libs/tokenisation/**/*.ts', 'libs/worker/**/*.ts', 'libs/license/**/*.ts', 'libs/common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'typeorm', 'express', 'pg', 'multer'],
              message: 'libs/face, libs/tokenisation, libs/worker, libs/license and libs/common are framework-free',
            },
            {
              group: ['@facenition/clients', '@facenition/audit', '@facenition/database'],
              message: 'a framework-free library must not import the stateful Nest libraries (clients, audit, database)',
            },
            {
              group: ['pkcs11js'],
              message:
                'a framework-free library takes the deployment key as a Pepper (libs/tokenisation/src/deployment-key.ts); the PKCS#11 binding stays in the gateway (apps/gateway/src/tokens/pkcs11-key.ts)',
            },
            { group: ['../../*'], message: 'no relative imports that climb out of a lib' },
          ],
        },
      ],
    },
  },
  {
    // @facenition/client is published on its own: it imports its own files only (no server code, no package)
    files: ['libs/client/**/*.ts'],
    ignores: ['libs/client/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: '@facenition/client is standalone: it imports only its own files' }] },
      ],
    },
  },
  {
    // @facenition/capture is one browser module for pages under a strict CSP: it imports nothing, makes no
    // network call (the host page talks to its own backend), stores nothing and never parses HTML or code.
    // Browser globals come from its own tsconfig (lib DOM); typescript-eslint turns no-undef off for TS.
    files: ['libs/capture/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '.', message: '@facenition/capture is one standalone file: it imports nothing' }] },
      ],
      'no-restricted-globals': [
        'error',
        ...['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'Request'].map((name) => ({
          name,
          message: '@facenition/capture makes no network call: the host page sends the frames to its own backend',
        })),
        ...['localStorage', 'sessionStorage', 'indexedDB', 'caches'].map((name) => ({
          name,
          message: '@facenition/capture keeps no frame beyond the current capture',
        })),
      ],
      'no-restricted-properties': [
        'error',
        ...['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'sendBeacon', 'createObjectURL'].map((property) => ({
          property,
          message: 'not under a strict CSP with Trusted Types (and no blob: URL, no beacon)',
        })),
      ],
      'no-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['libs/client/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@facenition/*', '**/apps/**', '../../*'], message: "the SDK's specs use the SDK without the server's code" },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  prettier,
);

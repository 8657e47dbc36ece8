import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'node_modules/',
      'coverage/',
      'libs/persistence/src/generated/',
      'apps/dashboard/src/api/graphql.generated.ts',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='describe'][callee.property.name='only']",
          message: 'no .only',
        },
        {
          selector: "CallExpression[callee.object.name='it'][callee.property.name='only']",
          message: 'no .only',
        },
        {
          selector: "CallExpression[callee.object.name='it'][callee.property.name='skip']",
          message: 'no skipped tests',
        },
        {
          selector: "CallExpression[callee.object.name='describe'][callee.property.name='skip']",
          message: 'no skipped tests',
        },
      ],
    },
  },
  {
    // The dashboard front end: the two classic hooks rules (order of hooks, effect dependencies).
    files: ['apps/dashboard/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['libs/ddnn/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['@nestjs/*', '@prisma/*', 'bullmq', 'ioredis', '**/apps/**'] },
      ],
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/ddnn/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/apps/**'] }] },
  },
  {
    // Code that runs without tfjs (a device, a browser, a dataset tool) takes the model's rules
    // from @ddnn/model-spec, never from the engine. Their specs may compare against the engine.
    files: [
      'libs/model-spec/**/*.ts',
      'libs/partition-format/**/*.ts',
      'libs/device-runtime/**/*.ts',
      'libs/datasets/**/*.ts',
      'apps/edge-client/**/*.ts',
      'apps/dashboard/**/*.{ts,tsx}',
    ],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@tensorflow/*', '@ddnn/engine', '**/ddnn/src/**', '**/libs/ddnn/**'],
              message:
                'tfjs-free code: take the config, geometry, entropy and exit rules from @ddnn/model-spec, not the engine',
            },
            {
              group: ['**/apps/**'],
              message: 'a lib never imports an app, nor an app another app',
            },
          ],
        },
      ],
    },
  },
);

#!/usr/bin/env node
// Entry point of the `ddnn` CLI; the TypeScript sources are compiled to dist/ by `npm ci` (prepare).
require('../../../dist/apps/cli/src/main.js');

#!/usr/bin/env node
// Entry point of the `edge-client` command; the TypeScript sources are compiled to dist/ by the root build.
require('../../../dist/apps/edge-client/src/main.js');

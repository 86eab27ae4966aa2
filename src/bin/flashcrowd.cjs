#!/usr/bin/env node
// Entry point of `npx flashcrowd`: loads the TypeScript CLI through tsx (no build step).
"use strict";
require("tsx/cjs/api").register();
const { main } = require("../cli/index.ts");
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`flashcrowd: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 1;
  },
);

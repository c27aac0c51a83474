#!/usr/bin/env node
// The `tricolor` command. The build (npm install runs it) compiles src/ to dist/.
import "../dist/src/cli/main.js";

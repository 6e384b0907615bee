#!/usr/bin/env node
"use strict";
// CommonJS (bin/package.json) for a faster start; bin/start.js says why.
require("./start.js").start();

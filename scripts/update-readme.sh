#!/usr/bin/env bash
# Regenerates the connector sections of README.md from the connectors' declarations
# (`sinkhub connectors --markdown`). core/test/readme.test.ts fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/.."
node core/dist/src/cli.js connectors --markdown > /tmp/sinkhub-connectors.md
node -e '
const fs = require("fs");
const [start, end] = ["<!-- connectors:start -->", "<!-- connectors:end -->"];
const readme = fs.readFileSync("README.md", "utf8");
const body = fs.readFileSync("/tmp/sinkhub-connectors.md", "utf8").trimEnd();
const a = readme.indexOf(start), b = readme.indexOf(end);
if (a < 0 || b < a) throw new Error("README.md lacks the connectors markers");
fs.writeFileSync("README.md", readme.slice(0, a + start.length) + "\n" + body + "\n" + readme.slice(b));
'

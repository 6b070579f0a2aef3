#!/bin/sh
# Given to @vscode/test-electron's runTests as `vscodeExecutablePath`: instead of VS Code desktop
# (which cannot be downloaded offline) it runs the tests in code-server + Chromium.
exec "${VERIFF_LAUNCHER_NODE:-node}" "$(dirname "$0")/runExtensionTests.cjs" "$@"

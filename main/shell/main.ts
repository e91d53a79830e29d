/**
 * Electron entry point (package.json "main": dist/main/shell/main.js). The only module in Vigil
 * with a side effect on import: it starts the desktop app.
 */
import { start } from './lifecycle.js';

start();

/**
 * Imported first by the page (app/main.tsx) and the worker (worker/trainer.worker.ts), before
 * any module builds a schema: zod v4 compiles object parsers with `new Function` and probes for
 * it once (a caught `Function('')`), which the app's strict CSP (no 'unsafe-eval') reports as a
 * script-src violation on every load. Jitless, zod never probes; parsing is the same, only
 * interpreted. (Node, the CLI, has no CSP and keeps the compiled parsers.)
 */
import { z } from 'zod';

z.config({ jitless: true });

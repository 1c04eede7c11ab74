import { enableCompileCache } from './compile-cache.js';

// The Action's code is imported after the compile cache is on (see compile-cache.ts).
enableCompileCache();
const { run } = await import('./action/main.js');
await run();

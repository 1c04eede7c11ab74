import module from 'node:module';

/**
 * Node 22.1+ can keep V8's compiled code for our chunks on disk (in the OS temp folder), which
 * saves most of parsing and compiling them on every later start. Called before the chunks are
 * imported; a no-op on Node 20, which lacks it, and when NODE_DISABLE_COMPILE_CACHE is set.
 */
export function enableCompileCache(): void {
  try {
    (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  } catch {
    // A cache that cannot be set up (read-only temp folder) only costs the start-up it saves.
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Every temp folder a test makes (workspaces, reports, caches) goes under one folder for the
 * whole run, removed when the run ends: tests make thousands of them, and a machine that runs
 * the suite often would otherwise collect them in /tmp forever. Test workers start after this
 * and inherit TMPDIR, which os.tmpdir() reads on each call.
 */
export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(os.tmpdir(), 'evalgate-tests-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}

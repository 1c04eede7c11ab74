/**
 * Keeps a run's verdict when whoever reads its console goes away. `evalgate run 2>&1 | head`
 * closes the pipe under stderr after a few lines, and the next write fails with EPIPE, which
 * Node raises on the stream as an error nobody handles: the crash guard took it for a bug,
 * rewrote the finished run's report as incomplete and exited 3, though the calls were made and
 * the verdict known. The console is a copy of what the report file holds, so losing its reader
 * changes neither: from the first failed write on, that stream's output is dropped.
 */
export function dropOutputWithoutReader(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', ignore);
}

function ignore(): void {}

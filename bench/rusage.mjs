// Preloaded into the measured process (`node --import`): reports its own CPU time and peak memory.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const u = process.resourceUsage();
  writeFileSync(
    process.env.EVALGATE_BENCH_RUSAGE,
    JSON.stringify({
      cpu_ms: (u.userCPUTime + u.systemCPUTime) / 1000,
      max_rss_mb: u.maxRSS / 1024,
      // Comparable across processes: the bench subtracts the endpoint's last reply from it.
      exit_ms: performance.timeOrigin + performance.now(),
    }),
  );
});

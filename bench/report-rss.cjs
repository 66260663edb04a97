// Preloaded into each measured process: reports its peak resident memory on exit.
process.on('exit', () => {
  process.stderr.write(`\n@@maxrss ${process.resourceUsage().maxRSS}\n`);
});

/** `--help` / `-h` for every script: the usage text on stdout, exit 0, before anything starts. */
export function answerHelp(
  usage: string,
  args: readonly string[] = process.argv.slice(2),
  write: (text: string) => void = (t) => void process.stdout.write(t),
): void {
  if (!args.includes('--help') && !args.includes('-h')) return;
  write(`${usage.trim()}\n`);
  process.exit(0);
}

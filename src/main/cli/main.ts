import { commands, usage } from './commands';
import { OutputWithExitCode, UsageError } from './args';

/**
 * `dvt COMMAND …`: JSON on stdout, progress and errors on stderr, exit 0 on success, 1 on failure,
 * 2 on a usage error.
 */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`dvt: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const result = await command.run(rest);
    const output = result instanceof OutputWithExitCode ? result.output : result;
    if (output !== undefined) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    return result instanceof OutputWithExitCode ? result.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`dvt ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`dvt ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));

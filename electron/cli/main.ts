import { version } from '../../package.json';
import { runCommand, UsageError, type CliIo, type Command } from './io';
import { knockCommand } from './knock';
import { probeCommand } from './probe';
import { checkConfigCommand, serverCommand } from './server';
import { findCliProfile, findProxyProfile } from './profile-lookup';
import { profilesCommand } from './profiles';
import { rotatingCommand } from './rotating';
import { knockdRotateCommand } from './knockd-rotate';
import { proxyCommand } from './proxy';
import { sshCommand } from './ssh';
import { sshConfigCommand } from './ssh-config';
import { spaCommand } from './spa';

/** A `sesame` subcommand: gets its own arguments, returns the exit code. */

/** The subcommands, each in its own module; the order is the order of the help text. */
const commands: Record<string, { summary: string; run: Command }> = {
  knock: {
    summary: "send a knock sequence (a drop-in for knock), or a saved profile's",
    run: knockCommand(findCliProfile),
  },
  ssh: {
    summary: 'knock a profile, check the port, run ssh, then close the door',
    run: sshCommand(findCliProfile),
  },
  proxy: {
    summary: "ssh's ProxyCommand: knock, wait for the port, relay stdio, close after",
    run: proxyCommand(findProxyProfile),
  },
  'ssh-config': {
    summary: "add, remove or show a profile's Host block in ~/.ssh/config",
    run: sshConfigCommand(findCliProfile),
  },
  spa: {
    summary: 'send a Single Packet Authorization to fwknopd (a drop-in for the fwknop client)',
    run: spaCommand(),
  },
  probe: { summary: 'check whether a TCP port answers', run: probeCommand },
  server: {
    summary: 'run the knockd-compatible server (knockd.conf, knockd options)',
    run: serverCommand,
  },
  'check-config': { summary: 'validate a knockd.conf and exit 0 or 1', run: checkConfigCommand },
  rotating: {
    summary: "show a rotating door's sequence, or make a new secret",
    run: rotatingCommand,
  },
  'knockd-rotate': {
    summary: 'render rotating doors into knockd.conf for stock knockd, every step',
    run: knockdRotateCommand(),
  },
  profiles: {
    summary: 'list, show, add, edit, remove, import and export saved profiles',
    run: profilesCommand,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(20)} ${c.summary}`);
  return [
    'Usage: sesame <command> [options]',
    '',
    'Commands:',
    ...lines,
    `  ${'help'.padEnd(20)} show this help`,
    `  ${'version'.padEnd(20)} print the version`,
    '',
    "Run 'sesame <command> --help' for a command's options.",
    '',
  ].join('\n');
}

/** Runs one `sesame` invocation and returns its exit code (never calls process.exit). */
export function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
    case 'help':
    case '-h':
    case '--help':
      io.out(usage());
      return Promise.resolve(0);
    case 'version':
    case '-V':
    case '--version':
      io.out(`sesame ${version}\n`);
      return Promise.resolve(0);
    default: {
      const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
      return runCommand(
        command?.run ?? (() => Promise.reject(new UsageError(`unknown command '${name}'`))),
        rest,
        io,
      );
    }
  }
}

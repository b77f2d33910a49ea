import { runCli } from './main';

let serving = false;
runCli(process.argv.slice(2), () => (serving = true)).then((code) => {
  process.exitCode = code;
  if (serving) return;
  // An integration script loaded by the command may leave a timer or a socket open; it must
  // not keep the CLI from ending. Exit once what was written to stdout and stderr is out.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});

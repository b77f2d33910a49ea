import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressLog } from '../../client/cross-validation-progress';

/** What `evalens cv --json` writes to stderr (see engine/cli/commands/cv-command.ts and run-progress.ts), in the chunks a pipe may cut it into. */
const STDERR = [
  'No completed run of this model scored these inputs: evaluating them first (run 20261202-051936-c9be1a).\n',
  '20261202-051936-c9be1a all 64/1797 · 640/1797 samples · 142 samples/s · ETA 13s\n20261202-051936-c9be1a all 1797/1797 · 17',
  '97/1797 samples · 2234 samples/s · ETA 0s\n',
  'fold 1/5: accuracy 0.9722 (810 iterations, 7.3 s)\nfold 2/5: accuracy 0.9417 (896 iterations, 8.0 s)\n',
];

test('the notification follows the evaluation, then each fold, and every line reaches the log whole', () => {
  const logged: string[] = [];
  const reports: { message: string; increment?: number }[] = [];
  const log = progressLog({ append: (t) => logged.push(t), appendLine: (t) => logged.push(`${t}\n`) }, (message, increment) => reports.push({ message, increment }));
  for (const chunk of STDERR) log.append(chunk);
  assert.equal(logged.join(''), STDERR.join(''));
  assert.deepEqual(reports, [
    { message: 'evaluating the samples first (no completed run of this model scored them)', increment: undefined },
    { message: 'evaluating: 640 of 1797 samples', increment: (50 * 640) / 1797 },
    { message: 'evaluating: 1797 of 1797 samples', increment: 50 - (50 * 640) / 1797 },
    { message: 'fold 1 of 5: accuracy 0.9722 (810 iterations, 7.3 s)', increment: 10 },
    { message: 'fold 2 of 5: accuracy 0.9417 (896 iterations, 8.0 s)', increment: 10 },
  ]);
});

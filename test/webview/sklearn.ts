import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Debian's python3 with python3-sklearn (a pyenv python on PATH may lack it). */
const PYTHON = '/usr/bin/python3';

export interface ThresholdReference {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  confusion_matrix: [[number, number], [number, number]];
}

/** Why scikit-learn cannot be asked here, or undefined when it can. */
export function sklearnMissing(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : `scikit-learn is not importable by ${PYTHON} (apt-get install python3-sklearn): ${probe.stderr || probe.error?.message}`;
}

/** scikit-learn's metrics at each threshold (threshold-reference.py). */
export function sklearnAtThresholds(scores: readonly number[], labels: readonly number[], thresholds: readonly number[]): ThresholdReference[] {
  const result = spawnSync(PYTHON, [path.join(__dirname, 'threshold-reference.py')], { input: JSON.stringify({ scores, labels, thresholds }), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`threshold-reference.py failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as ThresholdReference[];
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../helpers/paths';

/** scikit-learn's and numpy's values for the report (test/fixtures/reference/make_report_reference.py writes them). */
export interface ReferenceCurve {
  x: number[];
  y: number[];
  area: number;
}

export interface ReferenceCurves {
  roc: ReferenceCurve;
  precision_recall: ReferenceCurve;
}

export interface ReportReference {
  digits_cnn: { labels: string[]; classes: ReferenceCurves[] };
  bc_logreg: ReferenceCurves;
  bc_logreg_per_class: { precision: number; recall: number; f1: number; support: number }[];
  residual_histogram: { residuals: number[]; edges: number[]; counts: number[] };
}

export const reportReference = JSON.parse(readFileSync(path.join(ROOT, 'test', 'fixtures', 'reference', 'report_reference.json'), 'utf8')) as ReportReference;

import { DatasetImportErrorCode as Code, importError } from './dataset-import-error';

/**
 * The labels of a zip of per-view PNG images, normalised from manifest.json or manifest.csv
 * (both documented in docs/datasets.md). A view is null when the camera does not see the object.
 */
export interface PngZipManifest {
  name?: string;
  classNames: string[];
  viewNames: string[];
  samples: { label: number; views: ({ file: string; label: number } | null)[] }[];
}

type RawLabel = string | number;
const invalid = (message: string) => importError(Code.InvalidManifest, message);

export function parseJsonManifest(text: string, maxSamples: number): PngZipManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw importError(
      Code.InvalidManifest,
      `manifest.json is not valid JSON: ${(cause as Error).message}`,
      cause,
    );
  }
  const m = raw as Record<string, unknown>;
  if (!m || typeof m !== 'object' || Array.isArray(m))
    throw invalid('manifest.json must be a JSON object');
  const classNames = stringList(m.classNames, 'classNames');
  const viewNames = stringList(m.viewNames, 'viewNames');
  if (!Array.isArray(m.samples) || m.samples.length === 0) {
    throw invalid('manifest.json "samples" must be a non-empty array of {label, views}');
  }
  if (m.samples.length > maxSamples) {
    throw importError(
      Code.TooManySamples,
      `manifest lists ${m.samples.length} samples, the limit is ${maxSamples}`,
    );
  }
  const samples = m.samples.map((s: unknown, i: number) => {
    const sample = s as { label?: unknown; views?: unknown };
    if (!sample || typeof sample !== 'object')
      throw invalid(`samples[${i}] must be an object {label, views}`);
    const label = classIndex(sample.label, classNames, `samples[${i}].label`, false);
    if (!Array.isArray(sample.views) || sample.views.length !== viewNames.length) {
      throw importError(
        Code.InconsistentViews,
        `samples[${i}].views has ${Array.isArray(sample.views) ? sample.views.length : 'no'} entries, expected ${viewNames.length} (one per view name; null for an absent view)`,
      );
    }
    const views = sample.views.map((v: unknown, j: number) => {
      if (v === null) return null;
      const view = v as { file?: unknown; label?: unknown };
      const where = `samples[${i}].views[${j}]`;
      if (!view || typeof view.file !== 'string' || view.file === '') {
        throw invalid(`${where} must be null (absent) or {file: "path/in/zip.png", label?}`);
      }
      const viewLabel =
        view.label === undefined
          ? label
          : classIndex(view.label, classNames, `${where}.label`, false);
      return { file: view.file, label: viewLabel };
    });
    return { label, views };
  });
  const name = typeof m.name === 'string' ? m.name : undefined;
  return { name, classNames, viewNames, samples };
}

const CSV_HEADER = ['sample', 'label', 'view', 'file', 'view_label'];

/**
 * manifest.csv: header `sample,label,view,file,view_label`, one row per view of each sample; an
 * empty file means absent; an empty view_label means the sample's label. Class names are
 * `classNames` when given, else the sorted distinct labels; view names are in order of appearance.
 */
export function parseCsvManifest(
  text: string,
  maxSamples: number,
  classNames?: readonly string[],
): PngZipManifest {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length < 2)
    throw invalid('manifest.csv has no rows, expected a header and one row per view');
  const header = lines[0].split(',').map((h) => h.trim());
  if (header.join(',') !== CSV_HEADER.join(',')) {
    throw invalid(`manifest.csv header is "${lines[0]}", expected "${CSV_HEADER.join(',')}"`);
  }
  const rows = lines.slice(1).map((line, i) => {
    if (line.includes('"'))
      throw invalid(`manifest.csv line ${i + 2}: quoted fields are not supported`);
    const cells = line.split(',').map((c) => c.trim());
    if (cells.length !== CSV_HEADER.length) {
      throw invalid(
        `manifest.csv line ${i + 2} has ${cells.length} fields, expected ${CSV_HEADER.length}`,
      );
    }
    const [sample, label, view, file, viewLabel] = cells;
    if (!sample || !label || !view)
      throw invalid(`manifest.csv line ${i + 2}: sample, label and view are required`);
    return { line: i + 2, sample, label, view, file, viewLabel: viewLabel || label };
  });
  const classes = classNames
    ? [...classNames]
    : [...new Set(rows.flatMap((r) => [r.label, r.viewLabel]))].sort();
  const viewNames = [...new Set(rows.map((r) => r.view))];
  const bySample = new Map<string, typeof rows>();
  for (const row of rows) bySample.set(row.sample, [...(bySample.get(row.sample) ?? []), row]);
  if (bySample.size > maxSamples) {
    throw importError(
      Code.TooManySamples,
      `manifest lists ${bySample.size} samples, the limit is ${maxSamples}`,
    );
  }
  const samples = [...bySample].map(([id, sampleRows]) => {
    const labels = new Set(sampleRows.map((r) => r.label));
    if (labels.size > 1)
      throw invalid(`manifest.csv sample "${id}" has different labels: ${[...labels].join(', ')}`);
    const views = viewNames.map((viewName) => {
      const matching = sampleRows.filter((r) => r.view === viewName);
      if (matching.length !== 1) {
        throw importError(
          Code.InconsistentViews,
          `manifest.csv sample "${id}" has ${matching.length} rows for view "${viewName}", expected exactly 1 (every sample lists every view: ${viewNames.join(', ')})`,
        );
      }
      const row = matching[0];
      if (!row.file) return null;
      return {
        file: row.file,
        label: classIndex(row.viewLabel, classes, `manifest.csv line ${row.line} view_label`, true),
      };
    });
    return {
      label: classIndex(sampleRows[0].label, classes, `manifest.csv sample "${id}" label`, true),
      views,
    };
  });
  return { classNames: classes, viewNames, samples };
}

function stringList(value: unknown, field: string): string[] {
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === 'string' && v !== '')
  ) {
    throw invalid(`manifest.json "${field}" must be a non-empty array of names`);
  }
  if (new Set(value).size !== value.length)
    throw invalid(`manifest.json "${field}" has duplicate names`);
  return value;
}

/** A label given as a class name, or (JSON, or CSV when numeric) as a 0-based class index. */
function classIndex(
  label: unknown,
  classNames: readonly string[],
  where: string,
  fromCsv: boolean,
): number {
  const expected = `expected one of ${classNames.map((c) => JSON.stringify(c)).join(', ')} or an index 0..${classNames.length - 1}`;
  if (typeof label === 'string') {
    const byName = classNames.indexOf(label);
    if (byName >= 0) return byName;
    if (fromCsv && /^\d+$/.test(label)) return classIndex(Number(label), classNames, where, false);
    throw importError(Code.LabelOutOfRange, `${where} is ${JSON.stringify(label)}, ${expected}`);
  }
  if (
    typeof label === 'number' &&
    Number.isInteger(label) &&
    label >= 0 &&
    label < classNames.length
  ) {
    return label;
  }
  throw importError(
    Code.LabelOutOfRange,
    `${where} is ${JSON.stringify(label as RawLabel)}, ${expected}`,
  );
}

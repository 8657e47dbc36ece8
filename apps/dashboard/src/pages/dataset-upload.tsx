import { type FormEvent, useState } from 'react';
import { uploadDataset } from '../api/upload-dataset';
import { ErrorMessage } from '../components/error-message';
import { ProgressBar } from '../components/progress-bar';

/** Upload a dataset file (.ddnnds, MVMC .npz or a PNG .zip) with a progress bar. */
export function DatasetUpload({ onUploaded }: { onUploaded: () => void }) {
  const [name, setName] = useState('');
  const [format, setFormat] = useState('');
  const [testFraction, setTestFraction] = useState('0.2');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState<string>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    const fraction = Number(testFraction);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name))
      return setError(new Error('Name: 1-100 letters, digits, ".", "_" or "-".'));
    if (!file) return setError(new Error('Choose a file to upload.'));
    if (!(fraction > 0 && fraction < 1))
      return setError(new Error('Test fraction must be between 0 and 1 (e.g. 0.2).'));
    setProgress(0);
    try {
      const dataset = await uploadDataset(
        { name, format, testFraction: fraction, file },
        setProgress,
      );
      setDone(
        `Stored "${dataset.name}": ${dataset.trainSize} train and ${dataset.testSize} test samples.`,
      );
      onUploaded();
    } catch (e) {
      setError(e);
    } finally {
      setProgress(undefined);
    }
  }

  return (
    <form className="card" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Upload a dataset</h2>
      <div className="grid">
        <label className="field">
          <span>Name</span>
          <input name="datasetName" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Format</span>
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value)}>
            <option value="">from the file name</option>
            <option value="ddnnds">platform format (.ddnnds)</option>
            <option value="mvmc-npz">MVMC layout (.npz)</option>
            <option value="png-zip">PNG views + manifest (.zip)</option>
          </select>
        </label>
        <label className="field">
          <span>Test fraction</span>
          <input
            value={testFraction}
            onChange={(e) => setTestFraction(e.target.value)}
            inputMode="decimal"
          />
        </label>
        <label className="field">
          <span>File</span>
          <input type="file" name="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </label>
      </div>
      {progress !== undefined ? (
        <ProgressBar fraction={progress} label={`uploading ${Math.round(progress * 100)}%`} />
      ) : null}
      <ErrorMessage error={error} />
      {done ? <div className="notice">{done}</div> : null}
      <button type="submit" disabled={progress !== undefined}>
        Upload
      </button>
    </form>
  );
}

import { type FormEvent, type ReactNode, useState } from 'react';
import { graphql } from '../api/graphql-client';
import { CREATE_MODEL, START_TRAINING } from '../api/queries';
import type { Dataset, ModelSummary } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import {
  type FormErrors,
  INITIAL_FORM,
  modelConfigFor,
  NEW_MODEL,
  PRESETS,
  type PresetName,
  presetValues,
  SCHEMES,
  type TrainingFormValues,
  trainingInput,
  validateTrainingForm,
} from './training-form';

function Field({
  label,
  error,
  wide,
  children,
}: {
  label: string;
  error?: string;
  /** A whole row of the grid, for selects whose options are long. */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <label
      className={['field', wide ? 'wide' : '', error ? 'invalid' : ''].filter(Boolean).join(' ')}
    >
      <span>{label}</span>
      {children}
      {error ? <span className="field-error">{error}</span> : null}
    </label>
  );
}

/** Start a training job: an existing model, or a new one from a preset and a few fields. */
export function StartTrainingForm({
  models,
  datasets,
  onStarted,
  onModelCreated,
}: {
  models: ModelSummary[];
  datasets: Dataset[];
  onStarted: (jobId: string) => void;
  onModelCreated: () => void;
}) {
  const [values, setValues] = useState<TrainingFormValues>(INITIAL_FORM);
  const [errors, setErrors] = useState<FormErrors>({});
  const [serverError, setServerError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<TrainingFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const text = (name: keyof TrainingFormValues) => ({
    name,
    value: String(values[name]),
    onChange: (e: { target: { value: string } }) => set({ [name]: e.target.value }),
    'aria-invalid': errors[name] ? true : undefined,
  });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setServerError(undefined);
    const found = validateTrainingForm(
      values,
      models.map((m) => m.name),
    );
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const dataset = datasets.find((d) => d.id === values.dataset)!;
    setBusy(true);
    try {
      let modelName = values.model;
      if (values.model === NEW_MODEL) {
        modelName = values.newModelName;
        await graphql(CREATE_MODEL, {
          input: { name: modelName, config: modelConfigFor(values, dataset) },
        });
        // From now on it is an existing model: a second submit (say, after the start below
        // was refused) trains it rather than trying to create it again.
        set({ model: modelName, newModelName: '' });
        onModelCreated();
      }
      const started = await graphql(START_TRAINING, {
        input: trainingInput(values, modelName, dataset.id),
      });
      onStarted(started.startTraining.id);
    } catch (e) {
      setServerError(e);
    } finally {
      setBusy(false);
    }
  }

  const isNew = values.model === NEW_MODEL;
  return (
    <form className="card start-training" onSubmit={(e) => void submit(e)} noValidate>
      <h2>Start training</h2>
      <div className="grid">
        <Field label="Dataset" error={errors.dataset} wide>
          <select {...text('dataset')}>
            <option value="">— choose —</option>
            {datasets.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name} ({d.viewCount} views, {d.classNames.length} classes)
              </option>
            ))}
          </select>
        </Field>
        <Field label="Model" wide>
          <select {...text('model')}>
            <option value={NEW_MODEL}>New model…</option>
            {models.map((m) => (
              <option key={m.id} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
        </Field>
        {isNew ? (
          <>
            <Field label="New model name" error={errors.newModelName}>
              <input {...text('newModelName')} placeholder="e.g. mvmc-small" />
            </Field>
            <Field label="Architecture preset" wide>
              <select
                name="preset"
                value={values.preset}
                onChange={(e) => set(presetValues(e.target.value as PresetName))}
              >
                {Object.entries(PRESETS).map(([name, p]) => (
                  <option key={name} value={name}>
                    {p.label}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Local aggregation scheme">
              <select {...text('localAggregator')}>
                {SCHEMES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </Field>
            <Field label="Cloud aggregation scheme">
              <select {...text('cloudAggregator')}>
                {SCHEMES.map((s) => (
                  <option key={s}>{s}</option>
                ))}
              </select>
            </Field>
            <Field label="Device filters" error={errors.deviceFilters}>
              <input {...text('deviceFilters')} inputMode="numeric" />
            </Field>
            <Field label="Cloud blocks" error={errors.cloudBlocks}>
              <input {...text('cloudBlocks')} inputMode="numeric" />
            </Field>
            <Field label="Cloud filters" error={errors.cloudFilters}>
              <input {...text('cloudFilters')} inputMode="numeric" />
            </Field>
            <label className="field checkbox">
              <input
                type="checkbox"
                name="binary"
                checked={values.binary}
                onChange={(e) => set({ binary: e.target.checked })}
              />
              <span>Binary weights and activations (eBNN)</span>
            </label>
          </>
        ) : null}
        <Field label="Epochs" error={errors.epochs}>
          <input {...text('epochs')} inputMode="numeric" />
        </Field>
        <Field label="Batch size" error={errors.batchSize}>
          <input {...text('batchSize')} inputMode="numeric" />
        </Field>
        <Field label="Learning rate" error={errors.learningRate}>
          <input {...text('learningRate')} inputMode="decimal" />
        </Field>
        <Field label="Seed" error={errors.seed}>
          <input {...text('seed')} inputMode="numeric" />
        </Field>
      </div>
      {Object.keys(errors).length > 0 ? (
        <div className="error" role="alert">
          Fix the {Object.keys(errors).length === 1 ? 'field' : 'fields'} marked in red.
        </div>
      ) : null}
      <ErrorMessage error={serverError} title="The platform refused this" />
      <button type="submit" disabled={busy}>
        {busy ? 'Starting…' : 'Start training'}
      </button>
    </form>
  );
}

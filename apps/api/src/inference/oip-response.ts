import { OUTPUT_NAMES } from '@ddnn/contracts';
import { DomainError, ErrorCode } from '../common/domain-error';
import type { OutputTensor } from './oip-protocol';

/** One sample's answer, whichever tier produced it. */
export interface SampleAnswer {
  predictedClass: number;
  probabilities: ArrayLike<number>;
  exitTier: string;
  entropy: number;
  commBytes: number;
}

/** Checks requested output names before any work is done. */
export function checkWantedOutputs(wanted: string[] | undefined): void {
  const unknown = wanted?.filter((w) => !OUTPUT_NAMES.includes(w)) ?? [];
  if (unknown.length) {
    throw new DomainError(
      ErrorCode.InvalidInferenceRequest,
      `unknown outputs [${unknown.join(', ')}]: available are ${OUTPUT_NAMES.join(', ')}`,
    );
  }
}

/** The OIP output tensors of a request's answers (all of them, or the ones asked for). */
export function outputTensors(
  answers: SampleAnswer[],
  classes: number,
  wanted?: string[],
): OutputTensor[] {
  checkWantedOutputs(wanted);
  const n = answers.length;
  const want = (name: string) => !wanted || wanted.includes(name);
  const out: OutputTensor[] = [];
  if (want('class')) {
    out.push({
      name: 'class',
      datatype: 'INT32',
      shape: [n],
      data: answers.map((a) => a.predictedClass),
    });
  }
  if (want('probabilities')) {
    const data = new Array<number>(n * classes);
    answers.forEach((a, i) => {
      for (let c = 0; c < classes; c++) data[i * classes + c] = a.probabilities[c];
    });
    out.push({ name: 'probabilities', datatype: 'FP32', shape: [n, classes], data });
  }
  if (want('exit_tier')) {
    out.push({
      name: 'exit_tier',
      datatype: 'BYTES',
      shape: [n],
      data: answers.map((a) => a.exitTier),
    });
  }
  if (want('entropy')) {
    out.push({
      name: 'entropy',
      datatype: 'FP32',
      shape: [n],
      data: answers.map((a) => a.entropy),
    });
  }
  if (want('comm_bytes')) {
    out.push({
      name: 'comm_bytes',
      datatype: 'INT32',
      shape: [n],
      data: answers.map((a) => a.commBytes),
    });
  }
  return out;
}

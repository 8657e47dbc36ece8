import { InvalidArgumentError } from 'commander';

export function intOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(
        `${name} must be an integer in ${min}..${max}, got "${value}"`,
      );
    }
    return n;
  };
}

export function floatOption(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a number in ${min}..${max}, got "${value}"`);
    }
    return n;
  };
}

export function backendOption(value: string): 'wasm' | 'cpu' | 'tensorflow' {
  if (value === 'wasm' || value === 'cpu' || value === 'tensorflow') return value;
  throw new InvalidArgumentError(`backend must be wasm, cpu or tensorflow, got "${value}"`);
}

export function percent(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;
}

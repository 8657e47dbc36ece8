/** Mean and sample standard deviation over training seeds (fractions stay fractions). */
export interface SeedStat {
  mean: number;
  std: number;
  values: number[];
}

export function seedStat(values: readonly number[]): SeedStat {
  if (values.length === 0) throw new Error('seedStat needs at least one value');
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance =
    values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), values: [...values] };
}

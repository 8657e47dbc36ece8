import { InferenceStatistics } from './inference-statistics';

describe('InferenceStatistics', () => {
  it('adds each stage per version, compute_infer per request and batch_stats per execution', () => {
    const stats = new InferenceStatistics();
    stats.computeInput('v1', 'm', 1, 0.001);
    stats.computeInput('v1', 'm', 1, 0.002);
    stats.queued('v1', 'm', 1, 0.0005);
    stats.queued('v1', 'm', 1, 0.0005);
    // one model call of 5 samples for two requests (2 + 3 samples), 4 ms
    stats.executed('v1', 'm', 1, 5, 2, 0.004);
    stats.computeOutput('v1', 'm', 1, 0.0001);
    stats.computeOutput('v1', 'm', 1, 0.0001);
    stats.finished('v1', 'm', 1, true, 2, 0.01);
    stats.finished('v1', 'm', 1, true, 3, 0.01);
    stats.finished('v1', 'm', 1, false, -1, 0.002);
    stats.finished('v2', 'm', 2, false, -1, 0.003);
    const [one, two] = stats.report();
    expect(one).toMatchObject({
      name: 'm',
      version: '1',
      inference_count: 5,
      execution_count: 1,
      inference_stats: {
        success: { count: 2, ns: 20_000_000 },
        fail: { count: 1, ns: 2_000_000 },
        queue: { count: 2, ns: 1_000_000 },
        compute_input: { count: 2, ns: 3_000_000 },
        compute_infer: { count: 2, ns: 8_000_000 },
        compute_output: { count: 2, ns: 200_000 },
      },
      batch_stats: [
        {
          batch_size: 5,
          compute_input: { count: 0, ns: 0 },
          compute_infer: { count: 1, ns: 4_000_000 },
          compute_output: { count: 0, ns: 0 },
        },
      ],
    });
    expect(one.last_inference).toBeGreaterThan(0);
    expect(two).toMatchObject({ version: '2', inference_count: 0, execution_count: 0 });
    expect(stats.report({ name: 'm', version: 2 })).toEqual([two]);
    expect(stats.report({ name: 'other' })).toEqual([]);
    expect(stats.reportVersion('m', 3)).toMatchObject({
      version: '3',
      last_inference: 0,
      inference_stats: { success: { count: 0, ns: 0 } },
    });
  });

  it('hands out copies: a report does not change with later requests', () => {
    const stats = new InferenceStatistics();
    stats.finished('v1', 'm', 1, true, 1, 0.001);
    const before = stats.report()[0];
    stats.finished('v1', 'm', 1, true, 1, 0.001);
    expect(before.inference_stats.success.count).toBe(1);
    expect(stats.report()[0].inference_stats.success.count).toBe(2);
  });
});

import type { PlatformConfig } from '@ddnn/contracts';
import { SubscriptionLimits } from './subscription-limits';

const limits = () =>
  new SubscriptionLimits({
    GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION: 2,
    GRAPHQL_SUBSCRIPTIONS_MAX: 3,
  } as PlatformConfig);

describe('SubscriptionLimits', () => {
  it('refuses past the per-connection and the process cap, naming the variable', () => {
    const caps = limits();
    const [a, b] = [{}, {}];
    expect(caps.admit(a, '1')).toBeUndefined();
    expect(caps.admit(a, '2')).toBeUndefined();
    expect(caps.admit(a, '3')?.message).toContain('GRAPHQL_SUBSCRIPTIONS_PER_CONNECTION');
    expect(caps.admit(b, '1')).toBeUndefined();
    const refused = caps.admit(b, '2');
    expect(refused?.message).toContain('GRAPHQL_SUBSCRIPTIONS_MAX');
    expect(refused?.extensions).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(caps.liveSubscriptions).toBe(3);
  });

  it('counts a release once, also when it comes after its connection closed', () => {
    const caps = limits();
    const a = {};
    caps.admit(a, '1');
    caps.admit(a, '2');
    caps.release(a, '1');
    caps.release(a, '1');
    expect(caps.liveSubscriptions).toBe(1);
    caps.releaseConnection(a);
    caps.release(a, '2'); // onComplete after onClose
    caps.releaseConnection(a);
    expect(caps.liveSubscriptions).toBe(0);
    expect(caps.admit(a, '2')).toBeUndefined();
  });
});

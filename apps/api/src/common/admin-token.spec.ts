import { AdminTokenCheck } from './admin-token';

describe('admin token check', () => {
  const check = new AdminTokenCheck('s3cret-admin-token');

  it('accepts exactly the admin token, as a secret or a Bearer header', () => {
    expect(check.isAdminToken('s3cret-admin-token')).toBe(true);
    expect(check.isAdminToken('s3cret-admin-token ')).toBe(false);
    expect(check.isAdminToken('s3cret')).toBe(false);
    expect(check.matchesHeader('Bearer s3cret-admin-token')).toBe(true);
    expect(check.matchesHeader('bearer   s3cret-admin-token  ')).toBe(true);
  });

  it('refuses other tokens, other schemes and no header', () => {
    for (const header of [
      undefined,
      '',
      'Bearer ',
      'Bearer another-token',
      'Basic s3cret-admin-token',
      's3cret-admin-token',
    ]) {
      expect({ header, ok: check.matchesHeader(header) }).toEqual({ header, ok: false });
    }
  });
});

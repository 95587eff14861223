import { describe, expect, it } from 'vitest';
import { maskSecret } from '../../source/store/mask-secret.js';

describe('maskSecret', () => {
  it('shows the first four and last four characters of a normal key', () => {
    expect(maskSecret('gsk_abcdefghijklmnop5678')).toBe('gsk_…5678');
  });

  it('shows at most two characters of a short secret', () => {
    expect(maskSecret('short-key')).toBe('…ey');
  });

  it('says when there is none', () => {
    expect(maskSecret(undefined)).toBe('(none)');
    expect(maskSecret('')).toBe('(none)');
  });
});

import { describe, expect, it } from 'vitest';
import { GmpAuthError, GmpError, GmpStatusError, statusKind } from '../../main/connectors/gvm/errors.js';

describe('GMP status errors', () => {
  it.each([
    [400, 'bad-request'],
    [401, 'unauthenticated'],
    [403, 'forbidden'],
    [404, 'not-found'],
    [409, 'busy'],
    [500, 'internal'],
    [503, 'unavailable'],
    [418, 'other'],
  ] as const)('%d is %s', (status, kind) => {
    expect(statusKind(status)).toBe(kind);
    const err = new GmpStatusError('create_task', status, 'why');
    expect(err).toBeInstanceOf(GmpError);
    expect(err).toMatchObject({ code: 'status', kind, status, statusText: 'why', command: 'create_task', message: `create_task failed: ${status} why` });
  });

  it('a refused login is a status error with its own code', () => {
    const err = new GmpAuthError(400, 'Authentication failed');
    expect(err).toBeInstanceOf(GmpStatusError);
    expect(err).toMatchObject({ code: 'auth-failed', command: 'authenticate', kind: 'bad-request' });
  });
});

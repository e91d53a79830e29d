import { ConnectorError } from '../../../main/connectors/types.js';

/** The ConnectorError a promise rejects with (any other outcome fails the test). */
export async function rejection(p: Promise<unknown>): Promise<ConnectorError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ConnectorError) return err;
    throw err;
  }
  throw new Error('expected a ConnectorError');
}

import { DependencyUnavailableError, UpstreamProblemError } from '@dbcarts/errors';
import { runWithRequestContext } from '@dbcarts/logging';
import { describe, expect, it } from 'vitest';
import { toProblem } from './problem';

// What Dapr answered when the catalog process was gone (issue 9, item 8), as the sidecar client saw it.
const DAPR_REFUSAL =
  'HTTP 500 {"errorCode":"ERR_DIRECT_INVOKE","message":"failed to invoke, id: catalog, err: rpc error: code = Unavailable ' +
  'desc = error invoking app channel: Get \\"http://127.0.0.1:41873/products?page=1\\": dial tcp 127.0.0.1:41873: ' +
  'connect: connection refused"}';

function expectNoInternals(body: object): void {
  const text = JSON.stringify(body);
  for (const leak of ['ERR_', '127.0.0.1', '41873', 'dial tcp', 'invoke', 'rpc error', 'page=1']) {
    expect(text).not.toContain(leak);
  }
}

describe('toProblem: a dependency that did not answer', () => {
  it('says what failed in client words and keeps transport text out of the public body', () => {
    const err = new DependencyUnavailableError('catalog', DAPR_REFUSAL, { publicName: 'The catalog service' });
    const body = toProblem(err, 'trace-1');
    expect(body).toMatchObject({ status: 503, code: 'DEPENDENCY.UNAVAILABLE', traceId: 'trace-1' });
    expect(body.detail).toBe('The catalog service is unavailable; try again shortly.');
    expect(body.retryAfterSeconds).toEqual(expect.any(Number));
    expectNoInternals(body);
    // The internal text is kept for the log line, not lost.
    expect(err.message).toContain('dial tcp');
  });

  it('names no internal component when the failing dependency is infrastructure', () => {
    const body = toProblem(
      new DependencyUnavailableError('state statestore', 'HTTP 500 {"errorCode":"ERR_STATE_GET"}'),
    );
    expect(body.detail).toBe('A service this request needs is unavailable; try again shortly.');
    expect(JSON.stringify(body)).not.toContain('statestore');
    expectNoInternals(body);
  });

  it('carries the request id of the request being answered', () => {
    const body = runWithRequestContext({ requestId: 'req-42' }, () =>
      toProblem(new DependencyUnavailableError('catalog', DAPR_REFUSAL)),
    );
    expect(body.requestId).toBe('req-42');
  });

  it("answers with this request's id, not the one a relayed problem came with", () => {
    const upstream = new UpstreamProblemError(
      { type: 't', title: 'x', status: 503, code: 'DEPENDENCY.UNAVAILABLE', requestId: 'callee-9' },
      'catalog',
    );
    const body = runWithRequestContext({ requestId: 'req-7' }, () => toProblem(upstream));
    expect(body.requestId).toBe('req-7');
  });
});

import { problem, sendProblem } from '@dbcarts/http';
import type { Request, Response } from 'express';

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key, or undefined after answering 400 IDEMPOTENCY.KEY_MISSING. */
export function idempotencyKey(req: Request, res: Response): string | undefined {
  const key = req.get('idempotency-key');
  if (key && IDEMPOTENCY_KEY.test(key)) return key;
  sendProblem(
    res,
    problem(
      400,
      'IDEMPOTENCY.KEY_MISSING',
      'Idempotency-Key required',
      'Send an Idempotency-Key header (1-255 visible characters).',
    ),
  );
  return undefined;
}

import type { Answer, Route, SeenRequest } from './provider-standin';

// PayPal's Orders v2 and Payments v2 as the server SDK calls them, with PayPal's rules where they
// matter to us: OAuth client credentials first, a PayPal-Request-Id on every write (a repeat answers
// the first result), amounts as decimal strings, an authorization captured or voided once.

export const PAYPAL_CLIENT = { id: 'standin-client-id', secret: 'standin-client-secret' };
const TOKEN = 'A21AAstandinAccessToken';

interface Authorization {
  id: string;
  orderId: string;
  status: 'CREATED' | 'CAPTURED' | 'VOIDED';
  amount: { currency_code: string; value: string };
  captureId?: string;
  refunded: number;
}

export interface PayPalStandIn {
  /** An order the buyer approved (in PayPal's buttons) for this amount; `behaviour` for the fault cases. */
  approve(
    orderId: string,
    amount: { currency_code: string; value: string },
    behaviour?: 'ok' | 'declined' | 'hang',
  ): void;
  authorizations(): Authorization[];
  /** Authorizations still holding the buyer's money. */
  held(): Authorization[];
}

const issue = (status: number, name: string, detail: string): Answer => ({
  status,
  body: { name, message: detail, details: [{ issue: detail, description: detail }], debug_id: 'standin' },
});

export function paypalRoutes(): { route: Route; state: PayPalStandIn } {
  const orders = new Map<string, { amount: Authorization['amount']; behaviour: string }>();
  const auths = new Map<string, Authorization>();
  const replies = new Map<string, Answer>();
  let n = 0;

  const authorize = (orderId: string): Answer => {
    const order = orders.get(orderId);
    if (!order) return issue(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
    if (order.behaviour === 'declined') return issue(422, 'UNPROCESSABLE_ENTITY', 'INSTRUMENT_DECLINED');
    const auth: Authorization = { id: `AUTH-${++n}`, orderId, status: 'CREATED', amount: order.amount, refunded: 0 };
    auths.set(auth.id, auth);
    if (order.behaviour === 'hang') return 'hang'; // authorized, but the answer never leaves
    return { status: 201, body: orderView(orderId) };
  };
  const orderView = (orderId: string) => ({
    id: orderId,
    status: 'COMPLETED',
    intent: 'AUTHORIZE',
    purchase_units: [
      {
        reference_id: 'default',
        payments: {
          authorizations: [...auths.values()]
            .filter((a) => a.orderId === orderId)
            .map((a) => ({ id: a.id, status: a.status, amount: a.amount })),
        },
      },
    ],
  });
  const cents = (v: string) => Math.round(Number(v) * 100);

  const write = (req: SeenRequest): Answer | undefined => {
    let m = req.path.match(/^\/v2\/checkout\/orders\/([^/]+)\/authorize$/);
    if (m) return authorize(decodeURIComponent(m[1] as string));
    m = req.path.match(/^\/v2\/payments\/authorizations\/([^/]+)\/capture$/);
    if (m) {
      const auth = auths.get(m[1] as string);
      if (!auth) return issue(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
      const amount = req.body.amount as Authorization['amount'] | undefined;
      if (
        amount?.value !== auth.amount.value ||
        amount.currency_code !== auth.amount.currency_code ||
        req.body.final_capture !== true
      ) {
        return issue(422, 'UNPROCESSABLE_ENTITY', 'CAPTURE_AMOUNT_MISMATCH');
      }
      if (auth.status !== 'CREATED') return issue(422, 'UNPROCESSABLE_ENTITY', `AUTHORIZATION_ALREADY_${auth.status}`);
      auth.status = 'CAPTURED';
      auth.captureId = `CAP-${++n}`;
      return {
        status: 201,
        body: { id: auth.captureId, status: 'COMPLETED', amount: auth.amount, final_capture: true },
      };
    }
    m = req.path.match(/^\/v2\/payments\/authorizations\/([^/]+)\/void$/);
    if (m) {
      const auth = auths.get(m[1] as string);
      if (!auth) return issue(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
      if (auth.status === 'VOIDED') return issue(422, 'UNPROCESSABLE_ENTITY', 'AUTHORIZATION_ALREADY_VOIDED');
      if (auth.status !== 'CREATED') return issue(422, 'UNPROCESSABLE_ENTITY', 'PREVIOUSLY_CAPTURED');
      auth.status = 'VOIDED';
      return { status: 204 };
    }
    m = req.path.match(/^\/v2\/payments\/captures\/([^/]+)\/refund$/);
    if (m) {
      const auth = [...auths.values()].find((a) => a.captureId === m?.[1]);
      if (!auth) return issue(404, 'RESOURCE_NOT_FOUND', 'INVALID_RESOURCE_ID');
      const value = cents((req.body.amount as { value?: string } | undefined)?.value ?? '0');
      if (value <= 0 || auth.refunded + value > cents(auth.amount.value)) {
        return issue(422, 'UNPROCESSABLE_ENTITY', 'REFUND_AMOUNT_EXCEEDED');
      }
      auth.refunded += value;
      return { status: 201, body: { id: `REF-${++n}`, status: 'COMPLETED' } };
    }
    return undefined;
  };

  const route: Route = (req) => {
    if (req.method === 'POST' && req.path === '/v1/oauth2/token') {
      const basic = Buffer.from(`${PAYPAL_CLIENT.id}:${PAYPAL_CLIENT.secret}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}` || req.body.grant_type !== 'client_credentials') {
        return { status: 401, body: { error: 'invalid_client' } };
      }
      return {
        status: 200,
        body: {
          access_token: TOKEN,
          token_type: 'Bearer',
          expires_in: 32400,
          scope: 'https://uri.paypal.com/services/payments',
        },
      };
    }
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return issue(401, 'AUTHENTICATION_FAILURE', 'INVALID_TOKEN');
    const get = req.path.match(/^\/v2\/checkout\/orders\/([^/?]+)$/);
    if (req.method === 'GET' && get) return { status: 200, body: orderView(decodeURIComponent(get[1] as string)) };
    if (req.method !== 'POST') return undefined;
    const key = req.headers['paypal-request-id'];
    if (typeof key !== 'string') return issue(400, 'INVALID_REQUEST', 'PAYPAL_REQUEST_ID_REQUIRED');
    const replay = replies.get(`${req.path}|${key}`);
    if (replay) return replay;
    const answer = write(req);
    if (answer && answer !== 'hang') replies.set(`${req.path}|${key}`, answer);
    return answer;
  };

  return {
    route,
    state: {
      approve: (orderId, amount, behaviour = 'ok') => void orders.set(orderId, { amount, behaviour }),
      authorizations: () => [...auths.values()],
      held: () => [...auths.values()].filter((a) => a.status === 'CREATED'),
    },
  };
}

import type { Answer, Route, SeenRequest } from './provider-standin';

// Adyen's Checkout API as its official library calls it: X-API-Key, an Idempotency-Key on every
// write (a repeat answers the first result), amounts in minor units, the merchant account on every
// call, modifications acknowledged as `received` (the outcome comes later by webhook).

export const ADYEN_ACCOUNT = { apiKey: 'AQE-standin-api-key', merchantAccount: 'DBcartsECOM' };

interface AdyenPayment {
  pspReference: string;
  reference: string;
  amount: { value: number; currency: string };
  status: 'Authorised' | 'Captured' | 'Cancelled';
  refunded: number;
}

export interface AdyenStandIn {
  payments(): AdyenPayment[];
  held(): AdyenPayment[];
}

const invalid = (field: string): Answer => ({
  status: 422,
  body: {
    status: 422,
    errorCode: '702',
    message: `Structure of PaymentRequest contains the following unknown or invalid fields: ${field}`,
    errorType: 'validation',
  },
});

export function adyenRoutes(): { route: Route; state: AdyenStandIn } {
  const payments = new Map<string, AdyenPayment>();
  const replies = new Map<string, Answer>();
  let n = 0;

  const pay = (b: Record<string, unknown>): Answer => {
    const amount = b.amount as AdyenPayment['amount'] | undefined;
    const method = b.paymentMethod as { type?: string; storedPaymentMethodId?: string } | undefined;
    const extra = b.additionalData as Record<string, string> | undefined;
    if (!Number.isInteger(amount?.value) || !/^[A-Z]{3}$/.test(amount?.currency ?? '')) return invalid('amount');
    if (typeof b.reference !== 'string' || typeof b.returnUrl !== 'string') return invalid('reference/returnUrl');
    if (method?.type !== 'scheme' || !method.storedPaymentMethodId) return invalid('paymentMethod');
    if (b.shopperInteraction !== 'ContAuth' || b.recurringProcessingModel !== 'CardOnFile' || !b.shopperReference) {
      return invalid('shopperInteraction/recurringProcessingModel/shopperReference');
    }
    if (extra?.manualCapture !== 'true') return invalid('additionalData.manualCapture');
    if (method.storedPaymentMethodId === 'ADYEN-REFUSED') {
      return {
        status: 200,
        body: {
          pspReference: `PSP${++n}`,
          resultCode: 'Refused',
          refusalReason: 'Refused',
          refusalReasonCode: '2',
          merchantReference: b.reference,
        },
      };
    }
    const p: AdyenPayment = {
      pspReference: `PSP${++n}`,
      reference: b.reference,
      amount: amount as AdyenPayment['amount'],
      status: 'Authorised',
      refunded: 0,
    };
    payments.set(p.pspReference, p);
    if (method.storedPaymentMethodId === 'ADYEN-SLOW') return 'hang';
    return {
      status: 200,
      body: { pspReference: p.pspReference, resultCode: 'Authorised', merchantReference: b.reference, amount },
    };
  };

  const modify = (req: SeenRequest): Answer | undefined => {
    const b = req.body;
    if (/^\/v\d+\/payments$/.test(req.path)) return pay(b);
    if (/^\/v\d+\/cancels$/.test(req.path)) {
      // Technical cancel: by our merchant reference, for an authorization whose PSP reference we never got.
      for (const p of payments.values())
        if (p.reference === b.paymentReference && p.status === 'Authorised') p.status = 'Cancelled';
      return {
        status: 201,
        body: { pspReference: `TC${++n}`, paymentReference: b.paymentReference, status: 'received' },
      };
    }
    const m = req.path.match(/^\/v\d+\/payments\/([^/]+)\/(captures|cancels|refunds)$/);
    if (!m) return undefined;
    const p = payments.get(m[1] as string);
    if (!p)
      return {
        status: 422,
        body: { status: 422, errorCode: '167', message: 'Original pspReference required', errorType: 'validation' },
      };
    const amount = b.amount as AdyenPayment['amount'] | undefined;
    if (m[2] === 'captures') {
      if (amount?.value !== p.amount.value || p.status !== 'Authorised') return invalid('amount');
      p.status = 'Captured';
    } else if (m[2] === 'cancels') {
      if (p.status === 'Authorised') p.status = 'Cancelled';
    } else {
      if (!amount || p.status !== 'Captured' || p.refunded + amount.value > p.amount.value) return invalid('amount');
      p.refunded += amount.value;
    }
    return {
      status: 201,
      body: {
        pspReference: `MOD${++n}`,
        paymentPspReference: p.pspReference,
        status: 'received',
        merchantAccount: b.merchantAccount,
      },
    };
  };

  const route: Route = (req) => {
    if (req.headers['x-api-key'] !== ADYEN_ACCOUNT.apiKey) {
      return {
        status: 401,
        body: { status: 401, errorCode: '000', message: 'HTTP Status Response - Unauthorized', errorType: 'security' },
      };
    }
    if (req.method !== 'POST') return undefined;
    if (req.body.merchantAccount !== ADYEN_ACCOUNT.merchantAccount) return invalid('merchantAccount');
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return invalid('Idempotency-Key header');
    const replay = replies.get(`${req.path}|${key}`);
    if (replay) return replay;
    const answer = modify(req);
    if (answer && answer !== 'hang') replies.set(`${req.path}|${key}`, answer);
    return answer;
  };

  return {
    route,
    state: {
      payments: () => [...payments.values()],
      held: () => [...payments.values()].filter((p) => p.status === 'Authorised'),
    },
  };
}

// Plain value types of the order domain (the contract mirrors them on the wire).

export type OrderStatus = 'pending' | 'confirmed' | 'shipped' | 'delivered' | 'cancelled' | 'returned' | 'failed';

export interface Money {
  /** Integer minor units: no floating-point money anywhere. */
  amount: number;
  currency: string;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

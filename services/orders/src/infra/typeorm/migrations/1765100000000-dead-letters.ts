import { deadLetterMigration } from '@dbcarts/db';

/** Poison orders.* deliveries, kept for inspection and replay (packages/db dead-letters.ts). */
export class DeadLetters1765100000000 extends deadLetterMigration('DeadLetters1765100000000') {}

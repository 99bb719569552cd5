import { outboxMigration } from '@dbcarts/db';

/** The transactional outbox of payments.* events (packages/db outbox.ts). */
export class Outbox1765100000001 extends outboxMigration('Outbox1765100000001') {}

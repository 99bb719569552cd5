import { outboxMigration } from '@dbcarts/db';

/** The transactional outbox of catalog.product-changed (packages/db outbox.ts). */
export class Outbox1764300000000 extends outboxMigration('Outbox1764300000000') {}

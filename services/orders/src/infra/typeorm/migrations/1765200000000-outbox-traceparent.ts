import { outboxTraceparentMigration } from '@dbcarts/db';

/** The outbox keeps the writing request's trace context for the relay's later publish (issue 12). */
export class OutboxTraceparent1765200000000 extends outboxTraceparentMigration('OutboxTraceparent1765200000000') {}

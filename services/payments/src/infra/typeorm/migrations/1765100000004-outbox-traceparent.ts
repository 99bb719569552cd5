import { outboxTraceparentMigration } from '@dbcarts/db';

/** The outbox keeps the writing request's trace context for the relay's later publish (issue 12). */
export class OutboxTraceparent1765100000004 extends outboxTraceparentMigration('OutboxTraceparent1765100000004') {}

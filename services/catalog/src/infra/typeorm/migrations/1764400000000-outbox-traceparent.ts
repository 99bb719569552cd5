import { outboxTraceparentMigration } from '@dbcarts/db';

/** The outbox keeps the writing request's trace context for the relay's later publish (issue 12). */
export class OutboxTraceparent1764400000000 extends outboxTraceparentMigration('OutboxTraceparent1764400000000') {}

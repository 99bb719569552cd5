import { DEFAULT_DATABASE_BOUNDS, mysqlPoolOptions, withQueryBounds } from '@dbcarts/db';
import { DependencyUnavailableError } from '@dbcarts/errors';
import { DataSource } from 'typeorm';
import { CreateUsers1764300000000 } from './migrations/1764300000000-create-users';
import { CreateLoginAttempts1764900000000 } from './migrations/1764900000000-create-login-attempts';
import { AddressEntity, UserEntity } from './user.entity';

// Every query bounded (DEFAULT_DATABASE_BOUNDS); a database that does not answer is the service being unavailable.
const UsersDataSource = withQueryBounds(DataSource, {
  queryTimeoutMs: DEFAULT_DATABASE_BOUNDS.queryTimeoutMs,
  unavailable: (reason) =>
    new DependencyUnavailableError('users database', reason, { publicName: 'The users service' }),
});

export function createUsersDataSource(url: string): DataSource {
  return new UsersDataSource({
    type: 'mysql',
    url,
    entities: [UserEntity, AddressEntity],
    migrations: [CreateUsers1764300000000, CreateLoginAttempts1764900000000],
    migrationsTableName: 'users_migrations',
    synchronize: false,
    timezone: 'Z',
    ...mysqlPoolOptions(),
  });
}

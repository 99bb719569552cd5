import { DataSource } from 'typeorm';
import { CreateUsers1764300000000 } from './migrations/1764300000000-create-users';
import { CreateLoginAttempts1764900000000 } from './migrations/1764900000000-create-login-attempts';
import { AddressEntity, UserEntity } from './user.entity';

export function createUsersDataSource(url: string): DataSource {
  return new DataSource({
    type: 'mysql',
    url,
    entities: [UserEntity, AddressEntity],
    migrations: [CreateUsers1764300000000, CreateLoginAttempts1764900000000],
    migrationsTableName: 'users_migrations',
    synchronize: false,
    timezone: 'Z',
    extra: { connectionLimit: 10 },
  });
}

package main

// The components DBcarts supports. To add one, add its registration line here (copy it from
// github.com/dapr/dapr/cmd/daprd/components at the same tag) and rebuild with `npm run dapr:build`.

import (
	"context"

	bindingsCron "github.com/dapr/components-contrib/bindings/cron"
	bindingsHTTP "github.com/dapr/components-contrib/bindings/http"
	bindingsSMTP "github.com/dapr/components-contrib/bindings/smtp"
	configPostgres "github.com/dapr/components-contrib/configuration/postgres"
	configRedis "github.com/dapr/components-contrib/configuration/redis"
	lockRedis "github.com/dapr/components-contrib/lock/redis"
	contribmiddleware "github.com/dapr/components-contrib/middleware"
	mwBearer "github.com/dapr/components-contrib/middleware/http/bearer"
	mwOAuth2 "github.com/dapr/components-contrib/middleware/http/oauth2"
	mwRatelimit "github.com/dapr/components-contrib/middleware/http/ratelimit"
	nrKubernetes "github.com/dapr/components-contrib/nameresolution/kubernetes"
	nrMdns "github.com/dapr/components-contrib/nameresolution/mdns"
	nrSqlite "github.com/dapr/components-contrib/nameresolution/sqlite"
	pubsubInMemory "github.com/dapr/components-contrib/pubsub/in-memory"
	pubsubJetstream "github.com/dapr/components-contrib/pubsub/jetstream"
	pubsubKafka "github.com/dapr/components-contrib/pubsub/kafka"
	pubsubMqtt3 "github.com/dapr/components-contrib/pubsub/mqtt3"
	pubsubRabbitmq "github.com/dapr/components-contrib/pubsub/rabbitmq"
	pubsubRedis "github.com/dapr/components-contrib/pubsub/redis"
	secretEnv "github.com/dapr/components-contrib/secretstores/local/env"
	secretFile "github.com/dapr/components-contrib/secretstores/local/file"
	secretKubernetes "github.com/dapr/components-contrib/secretstores/kubernetes"
	stateInMemory "github.com/dapr/components-contrib/state/in-memory"
	stateMysql "github.com/dapr/components-contrib/state/mysql"
	statePgv1 "github.com/dapr/components-contrib/state/postgresql/v1"
	statePgv2 "github.com/dapr/components-contrib/state/postgresql/v2"
	stateRedis "github.com/dapr/components-contrib/state/redis"
	stateSqlite "github.com/dapr/components-contrib/state/sqlite"
	"github.com/dapr/dapr/pkg/components"
	bindingsLoader "github.com/dapr/dapr/pkg/components/bindings"
	configurationLoader "github.com/dapr/dapr/pkg/components/configuration"
	lockLoader "github.com/dapr/dapr/pkg/components/lock"
	httpMiddlewareLoader "github.com/dapr/dapr/pkg/components/middleware/http"
	nrLoader "github.com/dapr/dapr/pkg/components/nameresolution"
	pubsubLoader "github.com/dapr/dapr/pkg/components/pubsub"
	secretstoresLoader "github.com/dapr/dapr/pkg/components/secretstores"
	stateLoader "github.com/dapr/dapr/pkg/components/state"
	"github.com/dapr/dapr/pkg/middleware"
	"github.com/dapr/kit/logger"
)

func init() {
	// state
	stateLoader.DefaultRegistry.RegisterComponent(stateRedis.NewRedisStateStore, "redis")
	stateLoader.DefaultRegistry.RegisterComponent(stateMysql.NewMySQLStateStore, "mysql")
	stateLoader.DefaultRegistry.RegisterComponent(stateSqlite.NewSQLiteStateStore, "sqlite", "sqlite3")
	stateLoader.DefaultRegistry.RegisterComponent(stateInMemory.NewInMemoryStateStore, "in-memory")
	postgres := components.Versioning{
		Preferred: components.VersionConstructor{Version: "v2", Constructor: statePgv2.NewPostgreSQLStateStore},
		Others:    []components.VersionConstructor{{Version: "v1", Constructor: statePgv1.NewPostgreSQLStateStore}},
		Default:   "v1",
	}
	stateLoader.DefaultRegistry.RegisterComponentWithVersions("postgres", postgres)
	stateLoader.DefaultRegistry.RegisterComponentWithVersions("postgresql", postgres)

	// pub/sub
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubRabbitmq.NewRabbitMQ, "rabbitmq")
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubRedis.NewRedisStreams, "redis")
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubKafka.NewKafka, "kafka")
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubJetstream.NewJetStream, "jetstream")
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubMqtt3.NewMQTTPubSub, "mqtt3", "mqtt")
	pubsubLoader.DefaultRegistry.RegisterComponent(pubsubInMemory.New, "in-memory")

	// secrets
	secretstoresLoader.DefaultRegistry.RegisterComponent(secretFile.NewLocalSecretStore, "local.file")
	secretstoresLoader.DefaultRegistry.RegisterComponent(secretEnv.NewEnvSecretStore, "local.env")
	secretstoresLoader.DefaultRegistry.RegisterComponent(secretKubernetes.NewKubernetesSecretStore, "kubernetes")

	// configuration, lock
	configurationLoader.DefaultRegistry.RegisterComponent(configRedis.NewRedisConfigurationStore, "redis")
	configurationLoader.DefaultRegistry.RegisterComponent(configPostgres.NewPostgresConfigurationStore, "postgres", "postgresql")
	lockLoader.DefaultRegistry.RegisterComponent(lockRedis.NewStandaloneRedisLock, "redis")

	// name resolution
	nrLoader.DefaultRegistry.RegisterComponent(nrMdns.NewResolver, "mdns")
	nrLoader.DefaultRegistry.RegisterComponent(nrKubernetes.NewResolver, "kubernetes")
	// sqlite: one file per local stack, so a dev stack and a test run never resolve each other's apps.
	nrLoader.DefaultRegistry.RegisterComponent(nrSqlite.NewResolver, "sqlite")

	// bindings
	bindingsLoader.DefaultRegistry.RegisterInputBinding(bindingsCron.NewCron, "cron")
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(bindingsHTTP.NewHTTP, "http")
	// smtp: the notifications service's email (Mailpit locally, the provider's SMTP relay in production).
	bindingsLoader.DefaultRegistry.RegisterOutputBinding(bindingsSMTP.NewSMTP, "smtp")

	// HTTP middleware
	registerMiddleware("ratelimit", func(l logger.Logger, m contribmiddleware.Metadata) (middleware.HTTP, error) {
		return mwRatelimit.NewRateLimitMiddleware(l).GetHandler(context.TODO(), m)
	})
	registerMiddleware("bearer", func(l logger.Logger, m contribmiddleware.Metadata) (middleware.HTTP, error) {
		return mwBearer.NewBearerMiddleware(l).GetHandler(context.TODO(), m)
	})
	registerMiddleware("oauth2", func(l logger.Logger, m contribmiddleware.Metadata) (middleware.HTTP, error) {
		return mwOAuth2.NewOAuth2Middleware(l).GetHandler(context.TODO(), m)
	})
}

func registerMiddleware(name string, build func(logger.Logger, contribmiddleware.Metadata) (middleware.HTTP, error)) {
	httpMiddlewareLoader.DefaultRegistry.RegisterComponent(func(l logger.Logger) httpMiddlewareLoader.FactoryMethod {
		return func(m contribmiddleware.Metadata) (middleware.HTTP, error) { return build(l, m) }
	}, name)
}

#!/usr/bin/env bash
# Makes sure the local services DBcarts needs are up (Redis, MariaDB, RabbitMQ; PostgreSQL and NATS
# for the swap profiles), starting any that has stopped with the command this machine kind uses.
set -uo pipefail

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ensure() { # name port start-command...
  local name=$1 port=$2; shift 2
  if up "$port"; then echo "[infra] $name up on 127.0.0.1:$port"; return 0; fi
  echo "[infra] $name is down on 127.0.0.1:$port; starting: $*"
  "$@" >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do up "$port" && { echo "[infra] $name started"; return 0; }; sleep 1; done
  echo "[infra] $name did not come up on 127.0.0.1:$port; start it with: $*" >&2
  return 1
}

status=0
ensure Redis 6379 redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
  --dir /var/lib/redis --logfile /var/log/redis/ci.log || status=1
ensure MariaDB 3306 start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd || status=1
ensure RabbitMQ 5672 rabbitmq-server -detached || status=1
# The swap profiles' stores: the component-swap tests run the services on them too.
ensure PostgreSQL 5432 bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start' || status=1
ensure NATS 4222 start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
  -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || status=1
# Prometheus (Debian's 2.42 package: a release download cannot be fetched here) for `npm start` and
# the metrics test's scrape of every target; ~20 s the first time (apt-get update + install), then nothing.
if ! command -v prometheus >/dev/null 2>&1; then
  echo "[infra] installing prometheus (apt-get install prometheus)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) \
    >/tmp/dbcarts-apt-prometheus.log 2>&1; then
    echo "[infra] prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}') installed"
  else
    echo "[infra] prometheus did not install (see /tmp/dbcarts-apt-prometheus.log)" >&2
    status=1
  fi
else
  echo "[infra] prometheus on PATH ($(command -v prometheus))"
fi
# Chromium (Debian's package) for the storefront's browser tests, driven by playwright-core through
# its executablePath (a browser download cannot be fetched here); ~1 min the first time, then nothing.
if ! command -v chromium >/dev/null 2>&1; then
  echo "[infra] installing chromium (apt-get install chromium)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) \
    >/tmp/dbcarts-apt-chromium.log 2>&1; then
    echo "[infra] $(chromium --version 2>/dev/null | head -1) installed"
  else
    echo "[infra] chromium did not install (see /tmp/dbcarts-apt-chromium.log)" >&2
    status=1
  fi
else
  echo "[infra] chromium on PATH ($(command -v chromium))"
fi
exit $status

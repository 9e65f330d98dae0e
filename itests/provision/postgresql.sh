#!/bin/sh
# PostgreSQL for the fleet manager's tests (bundles/fleet FleetPostgresIT): Debian's postgresql,
# its default cluster listening on 127.0.0.1:5432 only, a database and user hybridge_fleet with
# password hybridge-fleet-test. Idempotent; prints what it did. Root or sudo needed the first time.
set -eu

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
DB=hybridge_fleet
USER_NAME=hybridge_fleet
PASSWORD=hybridge-fleet-test

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "postgresql: installing the Debian package"
  $SUDO apt-get install -y -q postgresql >/dev/null
fi

cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
  echo "postgresql: no cluster; creating 15/main"
  $SUDO pg_createcluster 15 main >/dev/null
  cluster="15 main"
fi
version=${cluster% *}
name=${cluster#* }
conf="/etc/postgresql/$version/$name/postgresql.conf"
if ! grep -q "^listen_addresses = '127.0.0.1'" "$conf"; then
  echo "postgresql: listening on 127.0.0.1 only ($conf)"
  echo "listen_addresses = '127.0.0.1'" | $SUDO tee -a "$conf" >/dev/null
  $SUDO pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
fi
if ! pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $4}' | grep -q online; then
  echo "postgresql: starting cluster $version/$name"
  $SUDO pg_ctlcluster "$version" "$name" start
fi
port=$(pg_lsclusters -h | awk -v v="$version" -v n="$name" '$1==v && $2==n {print $3}')

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi
}
if ! as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_roles WHERE rolname='$USER_NAME'\"" | grep -q 1; then
  echo "postgresql: creating user $USER_NAME"
  as_postgres "psql -p $port -qc \"CREATE ROLE $USER_NAME LOGIN PASSWORD '$PASSWORD'\""
fi
if ! as_postgres "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1; then
  echo "postgresql: creating database $DB"
  as_postgres "psql -p $port -qc \"CREATE DATABASE $DB OWNER $USER_NAME\""
fi
echo "postgresql: ready at jdbc:postgresql://127.0.0.1:$port/$DB?user=$USER_NAME&password=$PASSWORD"

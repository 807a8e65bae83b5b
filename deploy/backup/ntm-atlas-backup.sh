#!/bin/sh
# Dump the NTM Atlas database (custom format, restorable with pg_restore) and keep KEEP_DAYS days.
#   NTM_DATABASE_URL  read from /etc/ntm-atlas/env by the systemd unit (or the environment)
#   BACKUP_DIR        default /var/backups/ntm-atlas
#   KEEP_DAYS         default 30
# Exit non-zero when the dump fails (systemd then marks the unit failed; see `systemctl --failed`).
set -eu
BACKUP_DIR="${BACKUP_DIR:-/var/backups/ntm-atlas}"
KEEP_DAYS="${KEEP_DAYS:-30}"
: "${NTM_DATABASE_URL:?NTM_DATABASE_URL is not set}"
# libpq settings from the URL, as environment variables (a password on pg_dump's command line
# would be visible to every local user in the process list).
eval "$(python3 - <<'PY'
import os, shlex
from urllib.parse import unquote, urlsplit
u = urlsplit(os.environ["NTM_DATABASE_URL"].replace("+psycopg", "", 1))
for k, v in (("PGHOST", u.hostname), ("PGPORT", u.port), ("PGUSER", u.username),
             ("PGPASSWORD", u.password), ("PGDATABASE", u.path.lstrip("/"))):
    if v:
        print(f"export {k}={shlex.quote(unquote(str(v)))}")
PY
)"
umask 077
mkdir -p "$BACKUP_DIR"
STAMP="$(date +%Y%m%d-%H%M%S)"
OUT="$BACKUP_DIR/ntm_atlas-$STAMP.dump"
pg_dump --format=custom --no-owner --file="$OUT.part"
mv "$OUT.part" "$OUT"
# a dump that pg_restore cannot list is no backup
pg_restore --list "$OUT" >/dev/null
find "$BACKUP_DIR" -name 'ntm_atlas-*.dump' -type f -mtime +"$KEEP_DAYS" -delete
echo "backup written: $OUT ($(du -h "$OUT" | cut -f1))"

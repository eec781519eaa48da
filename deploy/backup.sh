#!/bin/sh
# plandesk-backup.service: one archive into $PLANDESK_BACKUP_DIR, then those older than $PLANDESK_BACKUP_KEEP_DAYS
# go. The archive just written is never among them, so a failing clock or a long pause cannot leave none.
set -eu
dir="${PLANDESK_BACKUP_DIR:-/var/backups/plandesk}"
keep="${PLANDESK_BACKUP_KEEP_DAYS:-30}"
plandesk="${PLANDESK_BIN:-/opt/plandesk/.venv/bin/plandesk}"
mkdir -p "$dir"
archive="$dir/plandesk-$(date -u +%Y%m%dT%H%M%SZ).tar.gz"
"$plandesk" backup --output "$archive"
find "$dir" -maxdepth 1 -type f -name 'plandesk-*.tar.gz' ! -newer "$archive" ! -path "$archive" \
    -mtime +"$keep" -print -delete

"""`datacollab backup` and `datacollab restore`: the database and every file it refers to, together.

- `tables.py`: which tables, in which order, how a row becomes a portable JSON line and back;
- `areas.py`: where files live (a Django storage or a local folder) and which rows name them,
  with a registry apps fill in their `AppConfig.ready()` (datasets: versions, waiting uploads);
- `manifest.py`: what the archive says about itself, and the checks a restore makes on it;
- `writer.py` (backup) and `restore.py` (restore): the two services; `restore_check.py`, the
  restore's first pass (what it refuses before writing anything).

The archive is one gzip-compressed tar: `manifest.json` first, then `files/<area>/<key>`, then
`db/<nnnn>-<app>.<model>.jsonl`, then `sha256sums.json` (every member's SHA-256 and an HMAC of
them with the audit key). docs/operations.md, "Backup and restore", says why it is built so.
"""

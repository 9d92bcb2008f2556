-- PostgreSQL only (DeferredStore.POSTGRESQL_MIGRATIONS; H2 has no storage modes and skips version 2).
-- File content is mostly compressed already (images, video, archives): keep chunk data out of line
-- without trying pglz on every row, which costs CPU on each write and each read and rarely saves
-- space (docs/benchmarks.md, "1. Store throughput"). Applies to rows written from now on.
ALTER TABLE transfer_content_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

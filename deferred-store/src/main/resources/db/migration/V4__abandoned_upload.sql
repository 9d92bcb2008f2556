-- An upload its sender abandoned (BYE or CANCEL before the end of the file) stays RECEIVING, so the
-- sender may resume it (RFC 5547 section 9), for the PF's resume window counted from abandoned_at;
-- then the expiry sweep ends it and removes its content. Any octet stored later (a resume) or
-- the end of the file clears it. Same SQL on H2 2.x and PostgreSQL 12+ (see V1).
ALTER TABLE deferred_transfer ADD COLUMN abandoned_at TIMESTAMP WITH TIME ZONE;

CREATE INDEX ix_deferred_transfer_abandoned ON deferred_transfer (abandoned_at);

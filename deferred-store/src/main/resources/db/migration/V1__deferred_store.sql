-- Deferred file transfer store. The same SQL runs on H2 2.x and PostgreSQL 12+:
-- keep to types and syntax both accept (UUID, BIGINT, VARCHAR(n), BYTEA, TIMESTAMP WITH TIME ZONE).

CREATE TABLE deferred_transfer (
    id                          UUID                     NOT NULL,
    sender_uri                  VARCHAR(2048)            NOT NULL,
    sender_instance             VARCHAR(512),
    recipient_uri               VARCHAR(2048)            NOT NULL,
    recipient_instance          VARCHAR(512),
    file_name                   VARCHAR(1024),
    file_type                   VARCHAR(255),
    file_size                   BIGINT,
    file_hash                   VARCHAR(255),
    file_transfer_id            VARCHAR(255),
    file_disposition            VARCHAR(255),
    file_date                   VARCHAR(512),
    sdp_media_attributes        VARCHAR(65536),
    file_icon                   BYTEA,
    file_icon_type              VARCHAR(255),
    conversation_id             VARCHAR(255),
    contribution_id             VARCHAR(255),
    in_reply_to_contribution_id VARCHAR(255),
    imdn_message_id             VARCHAR(255),
    disposition_notification    VARCHAR(255),
    content_type                VARCHAR(255),
    total_size                  BIGINT,
    content_start               BIGINT                   NOT NULL DEFAULT 0,
    bytes_stored                BIGINT                   NOT NULL DEFAULT 0,
    bytes_delivered             BIGINT                   NOT NULL DEFAULT 0,
    state                       VARCHAR(16)              NOT NULL,
    attempts                    INTEGER                  NOT NULL DEFAULT 0,
    next_attempt_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner                 VARCHAR(255),
    lease_until                 TIMESTAMP WITH TIME ZONE,
    last_error                  VARCHAR(1024),
    created_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at                  TIMESTAMP WITH TIME ZONE NOT NULL,
    version                     BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT pk_deferred_transfer PRIMARY KEY (id),
    CONSTRAINT ck_deferred_transfer_state
        CHECK (state IN ('RECEIVING', 'STORED', 'DELIVERING', 'DELIVERED', 'EXPIRED', 'FAILED')),
    CONSTRAINT ck_deferred_transfer_offsets
        CHECK (content_start >= 0 AND bytes_stored >= content_start AND bytes_delivered >= 0
               AND (total_size IS NULL OR bytes_stored <= total_size)),
    CONSTRAINT ck_deferred_transfer_lease
        CHECK ((lease_owner IS NULL AND lease_until IS NULL) OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);

-- Due-work scan of the retry timer (claim) and the expiry sweep.
CREATE INDEX ix_deferred_transfer_due ON deferred_transfer (state, next_attempt_at);
CREATE INDEX ix_deferred_transfer_expiry ON deferred_transfer (state, expires_at);
-- Delivery on third-party REGISTER of the recipient.
CREATE INDEX ix_deferred_transfer_recipient ON deferred_transfer (recipient_uri, state);

-- File content, one row per chunk. chunk_offset is the file offset of data's first octet;
-- rows of one transfer are contiguous: each starts where the previous one ends.
CREATE TABLE transfer_content_chunk (
    transfer_id  UUID    NOT NULL,
    chunk_offset BIGINT  NOT NULL,
    chunk_size   INTEGER NOT NULL,
    data         BYTEA   NOT NULL,
    CONSTRAINT pk_transfer_content_chunk PRIMARY KEY (transfer_id, chunk_offset),
    CONSTRAINT fk_transfer_content_chunk_transfer
        FOREIGN KEY (transfer_id) REFERENCES deferred_transfer (id) ON DELETE CASCADE,
    CONSTRAINT ck_transfer_content_chunk_size CHECK (chunk_size > 0 AND chunk_offset >= 0)
);

-- IMDN disposition notifications waiting for the originating device (OMA CPM 2.0 5.4.5).
CREATE TABLE deferred_notification (
    id              UUID                     NOT NULL,
    transfer_id     UUID,
    to_uri          VARCHAR(2048)            NOT NULL,
    from_uri        VARCHAR(2048)            NOT NULL,
    to_instance     VARCHAR(512),
    imdn_message_id VARCHAR(255),
    content_type    VARCHAR(255)             NOT NULL,
    body            VARCHAR(65536)           NOT NULL,
    state           VARCHAR(16)              NOT NULL,
    attempts        INTEGER                  NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    lease_owner     VARCHAR(255),
    lease_until     TIMESTAMP WITH TIME ZONE,
    last_error      VARCHAR(1024),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    version         BIGINT                   NOT NULL DEFAULT 0,
    CONSTRAINT pk_deferred_notification PRIMARY KEY (id),
    CONSTRAINT ck_deferred_notification_state
        CHECK (state IN ('PENDING', 'SENDING', 'SENT', 'EXPIRED', 'FAILED')),
    CONSTRAINT ck_deferred_notification_lease
        CHECK ((lease_owner IS NULL AND lease_until IS NULL) OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);

CREATE INDEX ix_deferred_notification_due ON deferred_notification (state, next_attempt_at);
CREATE INDEX ix_deferred_notification_to ON deferred_notification (to_uri, state);

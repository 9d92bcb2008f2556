-- Registration state of served users learned from third-party REGISTERs (3GPP TS 24.229 5.4.1.7),
-- shared by every PF node on this database: a REGISTER reaches one node, an INVITE for the user
-- may reach another. Same SQL on H2 2.x and PostgreSQL 12+ (see V1).
--
-- One row per registered device of a user. device_key identifies the device within the user
-- (SHA-256 hex of its +sip.instance, else of its Contact URI); a row with neither contact nor
-- instance stands for "registered, devices unknown" or, once lapsed, "known, not registered".

CREATE TABLE registration_binding (
    id          UUID                     NOT NULL,
    user_uri    VARCHAR(2048)            NOT NULL,
    device_key  VARCHAR(64)              NOT NULL,
    contact_uri VARCHAR(2048),
    instance_id VARCHAR(512),
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    node_id     VARCHAR(255)             NOT NULL,
    CONSTRAINT pk_registration_binding PRIMARY KEY (id),
    -- also the index of the per-user lookup (leading column)
    CONSTRAINT uq_registration_binding_device UNIQUE (user_uri, device_key)
);

-- Pruning of lapsed rows, oldest first, a bounded batch at a time.
CREATE INDEX ix_registration_binding_expiry ON registration_binding (expires_at);

package org.cpmft.msrp.relay;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.cpmft.msrp.message.ByteRange;
import org.cpmft.msrp.message.MsrpHeaderNames;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.msrp.message.TransactionIds;

/**
 * One side of a relayed session: the relay's own MSRP URI towards one endpoint, that endpoint's path,
 * and the connection bound to it (RFC 4975 section 5.4).
 */
public final class RelayLeg {
    /** Which SDP party the leg faces (see docs/architecture.md, "MSRP relay contract"). */
    public enum Role {
        /** Faces the endpoint that sent the offer; it connects to the relay (relay passive). */
        OFFERER,
        /** Faces the endpoint the offer was forwarded to; the relay connects to it (relay active). */
        ANSWERER
    }

    private final Role role;
    private final MsrpUri localPath;
    private final RelayContext relay;
    private RelayLeg peer;
    private volatile List<MsrpUri> remotePath;
    /** {@link #remotePath} as To-Path header text, formatted once for every frame relayed to this leg. */
    private volatile String remotePathHeader;
    private final AtomicReference<RelayConnection> connection = new AtomicReference<>();
    private volatile CompletableFuture<Void> connecting;
    private volatile boolean closed;
    private volatile SessionTeeSink tee;
    private volatile long teeFromOffset;
    private volatile StandInSession standIn;
    /** Completes when an endpoint connection is first bound to the leg; fails when the leg closes first. */
    private final CompletableFuture<Void> connected = new CompletableFuture<>();

    RelayLeg(Role role, MsrpUri localPath, RelayContext relay) {
        this.role = role;
        this.localPath = localPath;
        this.relay = relay;
    }

    void peer(RelayLeg other) {
        this.peer = other;
    }

    RelayLeg peer() {
        return peer;
    }

    public Role role() {
        return role;
    }

    /** The relay's URI for this leg, for the a=path sent to the endpoint this leg faces. */
    public MsrpUri localPath() {
        return localPath;
    }

    public String sessionId() {
        return localPath.sessionId();
    }

    /** @return the endpoint's path as bound, or null */
    public List<MsrpUri> remotePath() {
        return remotePath;
    }

    /** The bound path as header text, or null; read after {@link #remotePath()} returned non-null. */
    String remotePathHeader() {
        return remotePathHeader;
    }

    /**
     * Binds the endpoint's path (its SDP a=path, first hop first). On the answerer leg the relay then
     * connects to the first hop, reusing an open connection to the same host and port when there is
     * one, and sends the empty SEND that binds the connection to the session (RFC 4975 section 5.4).
     *
     * @return completes when the leg can carry traffic: at once on the offerer leg, when the far end
     *         answered the binding SEND with 200 on the answerer leg
     */
    public CompletableFuture<Void> bindRemotePath(List<MsrpUri> path) {
        if (path == null || path.isEmpty()) {
            throw new IllegalArgumentException("empty path");
        }
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("session closed"));
        }
        if (role == Role.ANSWERER && peer.standIn != null && peer.standIn.standingIn()) {
            return CompletableFuture.failedFuture(new IllegalStateException("the relay stands in for the answerer"));
        }
        synchronized (this) {
            if (remotePath != null) {
                throw new IllegalStateException("remote path already bound for " + localPath);
            }
            remotePathHeader = MsrpUri.formatPath(path);
            remotePath = List.copyOf(path);
            if (role == Role.OFFERER) {
                return CompletableFuture.completedFuture(null);
            }
            connecting = new CompletableFuture<>();
        }
        CompletableFuture<Void> result = connecting;
        relay.connect(path.get(0)).whenComplete((conn, error) -> {
            if (error != null) {
                relay.metrics().error("connect_failed");
                result.completeExceptionally(error);
                return;
            }
            bindActive(conn, result, true);
        });
        return result;
    }

    private void bindActive(RelayConnection conn, CompletableFuture<Void> result, boolean retry) {
        if (closed) {
            result.completeExceptionally(new IllegalStateException("session closed while connecting"));
            return;
        }
        if (!bind(conn)) {
            if (retry) {
                // The shared connection was being retired by its last session: open a new one.
                relay.connect(remotePath.get(0)).whenComplete((c, e) -> {
                    if (e != null) {
                        result.completeExceptionally(e);
                    } else {
                        bindActive(c, result, false);
                    }
                });
            } else {
                result.completeExceptionally(new IllegalStateException("no usable connection to " + remotePath));
            }
            return;
        }
        conn.sendLocal(bindingSend(), new BindingTransaction(result));
    }

    private MsrpRequestHead bindingSend() {
        MsrpHeaders h = new MsrpHeaders()
                .add(MsrpHeaderNames.TO_PATH, MsrpUri.formatPath(remotePath))
                .add(MsrpHeaderNames.FROM_PATH, localPath.format())
                .add(MsrpHeaderNames.MESSAGE_ID, TransactionIds.next())
                .add(MsrpHeaderNames.BYTE_RANGE, new ByteRange(1, 0, 0).format());
        return new MsrpRequestHead(TransactionIds.next(), MsrpRequestHead.SEND, h, false);
    }

    private static final class BindingTransaction implements TransactionListener {
        private final CompletableFuture<Void> result;

        BindingTransaction(CompletableFuture<Void> result) {
            this.result = result;
        }

        @Override
        public void onResponse(org.cpmft.msrp.message.MsrpResponseHead response) {
            if (response.isSuccess()) {
                result.complete(null);
            } else {
                result.completeExceptionally(new IllegalStateException(
                        "binding SEND answered " + response.statusCode() + " " + response.comment()));
            }
        }

        @Override
        public void onFailure(int status, String reason) {
            result.completeExceptionally(new IllegalStateException("binding SEND failed: " + status + " " + reason));
        }

        @Override
        public boolean expectsResponse() {
            return true;
        }
    }

    /** The future of the relay's connect on the answerer leg, or null. */
    CompletableFuture<Void> connecting() {
        return connecting;
    }

    RelayConnection connection() {
        return connection.get();
    }

    /** Binds {@code conn} to this leg if none is bound yet (first SEND on a passive leg, or connect). */
    boolean bind(RelayConnection conn) {
        RelayConnection current = connection.get();
        if (current != null && current != conn && !current.isOpen() && role == Role.OFFERER) {
            // The endpoint reconnected after its connection dropped (e.g. to resume, RFC 5547 section 9).
            connection.compareAndSet(current, null);
        }
        if (!conn.attach(this)) {
            return false;
        }
        if (connection.compareAndSet(null, conn)) {
            if (closed) {
                conn.detach(this);
                return false;
            }
            connected.complete(null);
            return true;
        }
        if (connection.get() == conn) {
            return true;
        }
        conn.detach(this);
        return false;
    }

    /** RFC 4975 section 5.4: the passive side binds a connection on a SEND whose From-Path is the peer's. */
    boolean acceptsInboundFrom(List<MsrpUri> fromPath) {
        List<MsrpUri> expected = remotePath;
        return role == Role.OFFERER && expected != null && !fromPath.isEmpty()
                && fromPath.get(fromPath.size() - 1).equals(expected.get(expected.size() - 1));
    }

    /**
     * Sends a copy of what this leg's endpoint sends (SEND bodies at or after the 0-based {@code fromOffset})
     * to {@code sink}. Replaces an earlier sink.
     */
    public void tee(SessionTeeSink sink, long fromOffset) {
        this.teeFromOffset = fromOffset;
        this.tee = sink;
    }

    /**
     * Plays a stored message to this leg's endpoint over the leg's connection, as SEND chunks of
     * {@code chunkSize} bytes starting at the 0-based {@code fromOffset} (Byte-Range tells the endpoint
     * where they belong, so a partly received file is resumed). Store reads happen on the I/O thread,
     * one 16 KiB piece at a time and only while the connection can take data.
     *
     * @return completes with the bytes played once every chunk was answered 200
     */
    public CompletableFuture<Long> play(StoredStreamSource source, long fromOffset, int chunkSize) {
        if (chunkSize <= 0 || fromOffset < 0 || fromOffset > source.size()) {
            throw new IllegalArgumentException("bad chunk size or offset");
        }
        RelayConnection conn = connection.get();
        if (closed || remotePath == null || conn == null || !conn.isOpen()) {
            return CompletableFuture.failedFuture(new IllegalStateException("leg not connected: " + this));
        }
        if (fromOffset == source.size() && source.size() > 0) {
            return CompletableFuture.completedFuture(0L);
        }
        return new StoredStreamPlayer(conn, this, source, fromOffset, chunkSize).start();
    }

    /**
     * {@link #play} once the endpoint has connected: on the offerer leg the endpoint is the active side
     * (RFC 4975 section 5.4, RFC 6135) and binds its connection with its first SEND, so the relay can
     * only send after that. The PF uses it to serve a pull or a resuming receiver from its store (RFC
     * 5547 sections 8.2 and 9). The play starts on the connection's event loop after the binding SEND
     * is answered.
     *
     * @return completes with the bytes played once every chunk was answered 200; fails when the leg
     *         closes before the endpoint connected, or as {@link #play} does
     */
    public CompletableFuture<Long> playWhenConnected(StoredStreamSource source, long fromOffset, int chunkSize) {
        if (chunkSize <= 0 || fromOffset < 0 || fromOffset > source.size()) {
            throw new IllegalArgumentException("bad chunk size or offset");
        }
        if (remotePath == null) {
            throw new IllegalStateException("no remote path bound for " + localPath);
        }
        CompletableFuture<Long> result = new CompletableFuture<>();
        connected.whenComplete((v, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
                return;
            }
            Runnable start = () -> play(source, fromOffset, chunkSize).whenComplete((played, e) -> {
                if (e != null) {
                    result.completeExceptionally(e);
                } else {
                    result.complete(played);
                }
            });
            RelayConnection conn = connection.get();
            try {
                if (conn == null) {
                    start.run(); // gone again: play() fails it
                } else {
                    conn.channel().eventLoop().execute(start);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                result.completeExceptionally(new IllegalStateException("relay shut down", e));
            }
        });
        return result;
    }

    /** Sets the deferral handling of the SENDs this (offerer) leg's endpoint sends; once. */
    synchronized void standIn(StandInSession session) {
        if (role != Role.OFFERER) {
            throw new IllegalStateException("only the offerer leg's traffic can be taken over");
        }
        if (standIn != null) {
            throw new IllegalStateException("deferral sink already set for " + localPath);
        }
        if (closed) {
            throw new IllegalStateException("session closed");
        }
        standIn = session;
    }

    /** @return the deferral handling of this leg's SENDs, or null */
    StandInSession standIn() {
        return standIn;
    }

    /** The connection bound to this leg closed (called on that connection's event loop). */
    void connectionLost(RelayConnection lost) {
        if (role == Role.ANSWERER && !closed && connection.get() == lost) {
            StandInSession s = peer.standIn;
            if (s != null) {
                s.answererConnectionLost();
            }
        }
    }

    SessionTeeSink tee() {
        return tee;
    }

    long teeFromOffset() {
        return teeFromOffset;
    }

    boolean closed() {
        return closed;
    }

    /** Detaches the leg; closes the relay's own connection when no other session uses it. */
    void close() {
        closed = true;
        connected.completeExceptionally(new IllegalStateException("session closed"));
        CompletableFuture<Void> c = connecting;
        if (c != null && !c.isDone()) {
            c.completeExceptionally(new IllegalStateException("session closed"));
        }
        RelayConnection conn = connection.get();
        if (conn != null) {
            conn.detach(this);
            if (conn.retireIfUnused()) {
                relay.closed(conn);
                conn.close();
            }
        }
        SessionTeeSink sink = tee;
        if (sink != null) {
            sink.onClose();
        }
        StandInSession s = standIn;
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return role + " " + localPath;
    }
}

package org.cpmft.msrp.relay;

/**
 * Something that writes frames into a {@link RelayConnection} and can be told to stop producing for
 * a while: another connection (stops reading) or a stored-stream player (stops reading the store).
 */
interface FrameSource {
    /** Stop producing until every reason given is withdrawn. Any thread. */
    void pause(Object reason);

    void resume(Object reason);
}

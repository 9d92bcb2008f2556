package org.cpmft.pf.sip;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;

import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.header.Via;
import org.junit.jupiter.api.Test;

/** Where the valve sends a 400 over UDP (RFC 3261 18.2.2, RFC 3581 4). */
class MalformedRequestValveTest {

    private static InetSocketAddress target(String via) throws Exception {
        return MalformedRequestValve.udpTarget((Via) new HeaderFactoryImpl().createHeader("Via", via));
    }

    @Test
    void toTheSentByHostAndPort() throws Exception {
        assertThat(target("SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK1")).isEqualTo(new InetSocketAddress("127.0.0.2", 5070));
    }

    @Test
    void toPort5060WhenSentByHasNone() throws Exception {
        assertThat(target("SIP/2.0/UDP 127.0.0.2;branch=z9hG4bK1")).isEqualTo(new InetSocketAddress("127.0.0.2", 5060));
    }

    @Test
    void toTheReceivedAddress() throws Exception {
        assertThat(target("SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK1;received=127.0.0.3"))
                .isEqualTo(new InetSocketAddress("127.0.0.3", 5070));
    }

    @Test
    void toTheSourcePortWhenTheSenderAskedForRport() throws Exception {
        assertThat(target("SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bK1;rport=40000;received=127.0.0.3"))
                .isEqualTo(new InetSocketAddress("127.0.0.3", 40000));
    }
}

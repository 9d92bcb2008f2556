package org.cpmft.pf.cpm;

/** SDP and header samples shaped like RFC 5547 section 10 and OMA CPM / RCS traffic. */
public final class Samples {

    public static final String FT_ACCEPT_CONTACT =
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer\";require;explicit";

    public static final String CHAT_ACCEPT_CONTACT =
            "*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.session\";require;explicit";

    public static final String HASH = "72:24:5F:E8:65:3D:DA:F3:71:36:2F:86:D4:71:91:3E:E4:A2:CE:2E";

    /** A push offer of one file with every RFC 5547 attribute, CRLF line ends. */
    public static final String PUSH_OFFER = crlf("""
            v=0
            o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com
            s= -
            c=IN IP4 host.atlanta.example.com
            t=0 0
            m=message 7654 TCP/MSRP *
            i=This is my latest picture
            a=sendonly
            a=accept-types:message/cpim
            a=accept-wrapped-types:*
            a=path:msrp://atlanta.example.com:7654/jshA7we;tcp
            a=file-selector:name:"My cool picture.jpg" type:image/jpeg size:32349 hash:sha-1:%s
            a=file-transfer-id:vBnG916bdberum2fFEABR1FR3ExZMUrd
            a=file-disposition:render
            a=file-date:creation:"Mon, 15 May 2006 15:01:31 +0300"
            a=file-icon:cid:id2@alicepc.example.com
            a=setup:actpass
            a=max-size:1048576
            a=x-vendor:keep me
            """.formatted(HASH));

    /** Two files in two m-lines (CPM 7.4.1 1.d), the second with a file-range. */
    public static final String TWO_FILES = crlf("""
            v=0
            o=- 1 1 IN IP4 192.0.2.1
            s=-
            c=IN IP4 192.0.2.1
            t=0 0
            m=message 2855 TCP/MSRP *
            a=sendonly
            a=accept-types:*
            a=path:msrp://192.0.2.1:2855/s1;tcp
            a=file-selector:name:"a.txt" type:text/plain size:10
            a=file-transfer-id:ft1
            m=message 2855 TCP/MSRP *
            a=sendonly
            a=accept-types:*
            a=path:msrp://192.0.2.1:2855/s2;tcp
            a=file-selector:name:"b.bin" type:application/octet-stream size:2000
            a=file-transfer-id:ft2
            a=file-range:1001-2000
            """);

    private Samples() {
    }

    public static String crlf(String lf) {
        return lf.replace("\n", "\r\n");
    }

    /**
     * One text/plain file in one MSRP m-line on 127.0.0.1, its a=path naming port 9 (where nothing
     * listens), e.g. {@code oneFile("alice", 1, 1, "sendonly", "alice1", "a.txt", 10, "ft1")}.
     */
    public static String oneFile(String user, int sessionId, int version, String direction, String pathSession,
                                 String name, int size, String fileTransferId) {
        return crlf("""
                v=0
                o=%s %d %d IN IP4 127.0.0.1
                s=-
                c=IN IP4 127.0.0.1
                t=0 0
                m=message 9 TCP/MSRP *
                a=%s
                a=accept-types:*
                a=path:msrp://127.0.0.1:9/%s;tcp
                a=file-selector:name:"%s" type:text/plain size:%d
                a=file-transfer-id:%s
                """.formatted(user, sessionId, version, direction, pathSession, name, size, fileTransferId));
    }
}

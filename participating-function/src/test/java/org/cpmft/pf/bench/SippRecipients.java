package org.cpmft.pf.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every recipient device of the delivery benchmarks: one SIPp UAS on 127.0.0.1 (the PF's outbound
 * proxy) that answers each delivery INVITE 180 then 200 with an SDP answer whose a=path names its
 * own session on the {@link MsrpSink} (RFC 4975 section 9: one session id per call), takes the ACK
 * and answers the PF's BYE. On every INVITE it logs the recipient user and the arrival time taken
 * with {@code gettimeofday} (wall clock, microseconds).
 */
final class SippRecipients implements AutoCloseable {
    /** One INVITE as SIPp saw it arrive. */
    record InviteArrival(String user, long atMicros) {
    }

    private static final String SCENARIO = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scenario name="deferred delivery recipients (benchmark)">
              <recv request="INVITE" crlf="true">
                <action>
                  <gettimeofday assign_to="sec,usec"/>
                  <ereg regexp="sip:([^@;>]+)@" search_in="hdr" header="To:" check_it="true" assign_to="toall,touser"/>
                  <ereg regexp="a=file-selector:([^\\r\\n]+)" search_in="body" check_it="true" assign_to="fsall,fs"/>
                  <ereg regexp="a=file-transfer-id:([^\\r\\n]+)" search_in="body" check_it="true" assign_to="ftall,ftid"/>
                  <log message="INVITE [$touser] [$sec] [$usec]"/>
                </action>
              </recv>
              <send>
                <![CDATA[
                  SIP/2.0 180 Ringing
                  [last_Via:]
                  [last_From:]
                  [last_To:];tag=[pid]b[call_number]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Contact: <sip:device@[local_ip]:[local_port]>
                  Content-Length: 0

                ]]>
              </send>
              <send retrans="500">
                <![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:];tag=[pid]b[call_number]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Contact: <sip:device@[local_ip]:[local_port]>;+g.3gpp.icsi-ref="urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer"
                  Content-Type: application/sdp
                  Content-Length: [len]

                  v=0
                  o=device 1 1 IN IP4 [local_ip]
                  s=-
                  c=IN IP4 [local_ip]
                  t=0 0
                  m=message 9 TCP/MSRP *
                  a=accept-types:*
                  a=file-selector:[$fs]
                  a=file-transfer-id:[$ftid]
                  a=recvonly
                  a=path:msrp://127.0.0.1:[sink_port]/s[call_number];tcp
                ]]>
              </send>
              <recv request="ACK" crlf="true"/>
              <recv request="BYE"/>
              <send>
                <![CDATA[
                  SIP/2.0 200 OK
                  [last_Via:]
                  [last_From:]
                  [last_To:]
                  [last_Call-ID:]
                  [last_CSeq:]
                  Content-Length: 0

                ]]>
              </send>
              <Reference variables="toall,fsall,ftall"/>
            </scenario>
            """;
    private static final Pattern LINE = Pattern.compile("INVITE (\\S+) ([0-9.]+) ([0-9.]+)");

    private final Process process;
    private final Path log;
    private final Path output;
    private final int controlPort;

    SippRecipients(Path dir, int sipPort, int sinkPort, int calls) throws IOException {
        Path scenario = dir.resolve("recipients-uas.xml");
        Files.writeString(scenario, SCENARIO);
        log = dir.resolve("recipients-uas.log");
        output = dir.resolve("recipients-uas.out");
        controlPort = BenchPorts.next();
        List<String> cmd = new ArrayList<>(List.of("sipp", "-sf", scenario.toString(), "-i", "127.0.0.1",
                "-p", Integer.toString(sipPort), "-cp", Integer.toString(controlPort), "-m", Integer.toString(calls),
                "-nostdin", "-trace_logs", "-log_file", log.toString(), "-trace_err", "-error_file",
                dir.resolve("recipients-uas-errors.log").toString(), "-key", "sink_port", Integer.toString(sinkPort),
                "-timeout", "1800s", "-timeout_error"));
        process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Asks SIPp to quit through its control port (it flushes its logs), else stops it. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            try (DatagramSocket s = new DatagramSocket()) {
                byte[] q = "Q".getBytes(StandardCharsets.US_ASCII);
                s.send(new DatagramPacket(q, q.length, InetAddress.getLoopbackAddress(), controlPort));
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** INVITE arrivals from SIPp's log (read after {@link #close()}). */
    List<InviteArrival> arrivals() throws IOException {
        List<InviteArrival> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                long sec = (long) Double.parseDouble(m.group(2));
                long usec = (long) Double.parseDouble(m.group(3));
                out.add(new InviteArrival(m.group(1), sec * 1_000_000L + usec));
            }
        }
        return out;
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output, StandardCharsets.ISO_8859_1) : "";
    }
}

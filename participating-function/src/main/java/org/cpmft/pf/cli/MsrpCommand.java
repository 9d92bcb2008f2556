package org.cpmft.pf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.cpmft.msrp.client.MsrpFileReceiver;
import org.cpmft.msrp.client.MsrpFileSender;
import org.cpmft.msrp.client.ReceiveResult;
import org.cpmft.msrp.client.ReceiverOptions;
import org.cpmft.msrp.client.SendOptions;
import org.cpmft.msrp.client.SendResult;
import org.cpmft.msrp.message.MsrpUri;
import org.cpmft.pf.config.DurationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** An MSRP endpoint for labs and tests: push a file to a path, or receive one into a file. */
@Command(name = "msrp", mixinStandardHelpOptions = true,
        description = "MSRP (RFC 4975) file endpoint for labs: send a file, receive a file; prints SHA-256.",
        subcommands = {MsrpCommand.Send.class, MsrpCommand.Receive.class})
public final class MsrpCommand {

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Connect to the first hop of the To-Path and send FILE as MSRP SEND chunks.")
    static final class Send implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-f", "--file"}, required = true, description = "File to send.")
        Path file;

        @Option(names = {"-T", "--to-path"}, required = true,
                description = "To-Path: the peer's a=path (space separated URIs, first hop first).")
        String toPath;

        @Option(names = {"-F", "--from-path"}, required = true, description = "This endpoint's MSRP URI (its own a=path).")
        String fromPath;

        @Option(names = "--content-type", defaultValue = "application/octet-stream", description = "Default: ${DEFAULT-VALUE}.")
        String contentType;

        @Option(names = "--chunk-size", defaultValue = "65536",
                description = "Bytes per SEND; 0 sends the file as one chunk. Default: ${DEFAULT-VALUE}.")
        int chunkSize;

        @Option(names = "--success-report", description = "Ask for a Success-Report and wait for the REPORT.")
        boolean successReport;

        @Option(names = "--timeout", defaultValue = "60s", description = "Overall deadline. Default: ${DEFAULT-VALUE}.")
        String timeout;

        @Option(names = "--result", description = "Also write the result line to this file.")
        Path result;

        @Override
        public Integer call() throws Exception {
            List<MsrpUri> to = MsrpUri.parsePath(toPath.trim());
            SendOptions options = SendOptions.of(contentType, chunkSize, DurationText.parse(timeout))
                    .withSuccessReport(successReport);
            try (MsrpFileSender sender = new MsrpFileSender()) {
                SendResult r = sender.send(file, to, MsrpUri.parse(fromPath.trim()), options);
                return report(spec, result, "sent " + r.bytesSent() + " bytes in " + r.chunks()
                        + " chunks message-id=" + r.messageId() + " sha256=" + r.sha256());
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                return fail(spec, result, "send failed: " + e.getMessage());
            }
        }
    }

    @Command(name = "receive", mixinStandardHelpOptions = true,
            description = "Listen for one MSRP session and write the file it carries into OUT.")
    static final class Receive implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = {"-l", "--listen"}, required = true, paramLabel = "HOST:PORT", description = "Where to listen.")
        String listen;

        @Option(names = {"-s", "--session-id"}, required = true, description = "Session id of this endpoint's MSRP URI.")
        String sessionId;

        @Option(names = {"-o", "--out"}, required = true, description = "File to write.")
        Path out;

        @Option(names = "--timeout", defaultValue = "60s", description = "How long to wait for the whole file. Default: ${DEFAULT-VALUE}.")
        String timeout;

        @Option(names = "--result", description = "Also write the result line to this file.")
        Path result;

        @Option(names = "--drop-after", paramLabel = "BYTES",
                description = "Lab fault: drop the connection after this many bytes, then report what was confirmed.")
        Long dropAfter;

        @Override
        public Integer call() throws Exception {
            int colon = listen.lastIndexOf(':');
            if (colon <= 0) {
                return fail(spec, result, "--listen wants HOST:PORT, got " + listen);
            }
            String host = listen.substring(0, colon);
            int port = Integer.parseInt(listen.substring(colon + 1));
            ReceiverOptions options = dropAfter == null ? ReceiverOptions.DEFAULT
                    : ReceiverOptions.DEFAULT.withDropAfter(dropAfter);
            try (MsrpFileReceiver receiver = MsrpFileReceiver.listen(host, port, sessionId, out, options)) {
                PrintWriter w = spec.commandLine().getOut();
                w.println("listening " + receiver.localUri().format());
                w.flush();
                if (dropAfter != null) {
                    return awaitDrop(receiver);
                }
                ReceiveResult r = receiver.await(DurationText.parse(timeout));
                return report(spec, result, "received " + r.bytes() + " bytes in " + r.chunks()
                        + " chunks message-id=" + r.messageId() + " sha256=" + r.sha256());
            } catch (IOException | java.util.concurrent.TimeoutException e) {
                return fail(spec, result, "receive failed: " + e.getMessage());
            }
        }

        private int awaitDrop(MsrpFileReceiver receiver) throws IOException {
            try {
                receiver.await(DurationText.parse(timeout));
            } catch (IOException | java.util.concurrent.TimeoutException expected) {
                // the connection was dropped on purpose
            }
            return report(spec, result, "dropped after confirming " + receiver.confirmedBytes() + " bytes");
        }
    }

    private static int report(CommandSpec spec, Path result, String line) throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        w.println(line);
        w.flush();
        if (result != null) {
            Files.writeString(result, line + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private static int fail(CommandSpec spec, Path result, String line) throws IOException {
        PrintWriter w = spec.commandLine().getErr();
        w.println(line);
        w.flush();
        if (result != null) {
            Files.writeString(result, line + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        return 1;
    }

}

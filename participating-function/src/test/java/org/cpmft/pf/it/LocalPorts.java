package org.cpmft.pf.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether some process has bound a local port, read from the Linux kernel tables: probing by
 * binding the port would race with the process that is about to bind it.
 */
final class LocalPorts {

    private static final String TCP_LISTEN = "0A";

    private LocalPorts() {
    }

    static boolean isBound(int port, boolean tcp) {
        String hexPort = ":" + String.format(Locale.ROOT, "%04X", port);
        for (String table : tcp ? List.of("/proc/net/tcp", "/proc/net/tcp6") : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            try {
                for (String line : Files.readAllLines(p)) {
                    String[] f = line.trim().split("\\s+");
                    // sl local_address rem_address st ...
                    if (f.length > 3 && f[1].endsWith(hexPort) && (!tcp || TCP_LISTEN.equals(f[3]))) {
                        return true;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return false;
    }
}

package org.cpmft.pf.it;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * POSIX signals to a child process of the test: SIGKILL is a crash (no shutdown hook, no lease
 * released, nothing flushed), SIGSTOP/SIGCONT a stalled node (a long GC pause, a frozen VM).
 */
final class Signals {

    private Signals() {
    }

    /** kill -9, and waits until the process is gone. */
    static void kill(ProcessUnderTest p) throws IOException, InterruptedException {
        send("KILL", p);
        if (p.awaitExit(Duration.ofSeconds(10)) == 0) {
            throw new AssertionError(p.name() + " exited normally after SIGKILL");
        }
    }

    static void stop(ProcessUnderTest p) throws IOException, InterruptedException {
        send("STOP", p);
    }

    static void resume(ProcessUnderTest p) throws IOException, InterruptedException {
        send("CONT", p);
    }

    private static void send(String signal, ProcessUnderTest p) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + p.pid() + " failed");
        }
    }
}

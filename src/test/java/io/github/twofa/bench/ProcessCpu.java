package io.github.twofa.bench;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The CPU time a process has used so far, read from the operating system. For the Keycloak JVM, divided by the
 * logins of a round, it is the server's cost per login whatever the concurrency, which is what "flat from 10 to
 * 10,000 users" is about; for the benchmark's own JVM it says how much of the machine the clients took.
 */
final class ProcessCpu {

    private final ProcessHandle process;

    private ProcessCpu(ProcessHandle process) {
        this.process = process;
    }

    static ProcessCpu self() {
        return new ProcessCpu(ProcessHandle.current());
    }

    /** The Keycloak JVM of the distribution in {@code home} (kc.sh starts it with -Dkc.home.dir=home/bin/..). */
    static ProcessCpu keycloak(Path home) {
        String marker = "-Dkc.home.dir=" + home.resolve("bin");
        return new ProcessCpu(ProcessHandle.allProcesses()
                .filter(process -> process.info()
                        .commandLine()
                        .map(line -> line.contains(marker))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Keycloak process with " + marker)));
    }

    long nanos() {
        return process.info()
                .totalCpuDuration()
                .map(Duration::toNanos)
                .orElseThrow(() -> new IllegalStateException(
                        "the system does not report the CPU time of process " + process.pid()));
    }
}

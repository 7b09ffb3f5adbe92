package io.github.twofa.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CPU time a process has used so far, read from the operating system. For the Keycloak JVM, divided by the
 * logins of a round, it is the server's cost per login whatever the concurrency, which is what "flat from 10 to
 * 10,000 users" is about; for the benchmark's own JVM it says how much of the machine the clients took.
 */
final class ProcessCpu {

    private final List<ProcessHandle> processes;

    private ProcessCpu(List<ProcessHandle> processes) {
        this.processes = processes;
    }

    static ProcessCpu self() {
        return new ProcessCpu(List.of(ProcessHandle.current()));
    }

    /**
     * The Keycloak JVMs of the distributions in {@code homes} together (kc.sh starts each with
     * -Dkc.home.dir=home/bin/..): a cluster's cost per login is that of all its nodes.
     */
    static ProcessCpu keycloak(List<Path> homes) {
        return new ProcessCpu(homes.stream().map(ProcessCpu::keycloakProcess).toList());
    }

    private static ProcessHandle keycloakProcess(Path home) {
        String marker = "-Dkc.home.dir=" + home.resolve("bin");
        return ProcessHandle.allProcesses()
                .filter(process -> process.info()
                        .commandLine()
                        .map(line -> line.contains(marker))
                        .orElse(false))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no Keycloak process with " + marker));
    }

    long nanos() {
        long sum = 0;
        for (ProcessHandle process : processes) {
            sum += process.info()
                    .totalCpuDuration()
                    .map(Duration::toNanos)
                    .orElseThrow(() -> new IllegalStateException(
                            "the system does not report the CPU time of process " + process.pid()));
        }
        return sum;
    }
}

package io.github.twofa.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time beyond the Keycloak JVMs: the whole machine's (every process and the kernel, from {@code /proc/stat}) and
 * PostgreSQL's (every process named {@code postgres} on the machine: the benchmark's server is the only one where it
 * runs). The server's own figure leaves out the database, which shares the two cores: work a login makes the database
 * do slows every request of its round as much as the server's own work does. Neither leaves out background work. On
 * a saturated machine the whole machine's CPU per login is its cores divided by the logins per second, so it says
 * little that the throughput does not; the database's is the figure of its own.
 */
final class MachineCpu {

    /** Linux counts {@code /proc/stat} in USER_HZ ticks, 100 a second on every architecture Java runs on here. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private static final Path STAT = Path.of("/proc/stat");

    /** What was read at one moment. */
    record Reading(long machineNanos, Map<Long, Long> databaseNanosByPid) {

        /**
         * The database's CPU time since {@code before}: processes started meanwhile count in full, those that ended
         * meanwhile (an autovacuum worker, say) not at all.
         */
        long databaseNanosSince(Reading before) {
            long sum = 0;
            for (Map.Entry<Long, Long> process : databaseNanosByPid.entrySet()) {
                sum += process.getValue() - before.databaseNanosByPid.getOrDefault(process.getKey(), 0L);
            }
            return sum;
        }
    }

    private static boolean available() {
        return Files.isReadable(STAT);
    }

    static Reading read() {
        return new Reading(machineBusyNanos(), databaseNanos());
    }

    /** The first line of /proc/stat: every core's time in user, nice, system, irq, softirq and steal. */
    private static long machineBusyNanos() {
        if (!available()) {
            return 0;
        }
        try {
            String[] fields = Files.readAllLines(STAT).get(0).trim().split("\\s+");
            long ticks = 0;
            for (int column : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(fields[column]);
            }
            return ticks * NANOS_PER_TICK;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<Long, Long> databaseNanos() {
        Map<Long, Long> byPid = new HashMap<>();
        // One snapshot of each process: its name and its CPU time read together.
        ProcessHandle.allProcesses().forEach(process -> {
            ProcessHandle.Info info = process.info();
            boolean database = info.command()
                    .map(command -> Path.of(command).getFileName().toString().equals("postgres"))
                    .orElse(false);
            if (database) {
                info.totalCpuDuration().ifPresent(cpu -> byPid.put(process.pid(), cpu.toNanos()));
            }
        });
        return byPid;
    }

    private MachineCpu() {}
}

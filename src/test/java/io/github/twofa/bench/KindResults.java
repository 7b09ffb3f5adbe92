package io.github.twofa.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the measured rounds of one kind of login gave; the clients of a round record into it concurrently. */
final class KindResults {

    private static final int ERROR_KINDS_KEPT = 5;

    /** Median and 95th percentile of a step, in milliseconds, over {@code count} logins. */
    record Stats(int count, double median, double p95) {}

    /**
     * The figures of one kind, as reported. Logins per second count the logins finished within the rounds' time;
     * those still under way when a round ended count for the step times only.
     */
    record Summary(
            LoginKind kind,
            int logins,
            int loginsInTime,
            int errors,
            Map<String, Integer> errorMessages,
            int waits,
            double waitedSeconds,
            double seconds,
            List<Double> roundRates,
            double serverCpuSeconds,
            double clientCpuSeconds,
            double databaseCpuSeconds,
            double machineCpuSeconds,
            boolean ranOut,
            Map<Step, Stats> steps) {

        double loginsPerSecond() {
            return seconds == 0 ? 0 : loginsInTime / seconds;
        }

        /** The server's CPU time per login attempt beyond what it uses when idle, in milliseconds. */
        double serverCpuPerLogin() {
            return perLogin(serverCpuSeconds);
        }

        /** The benchmark's own CPU time per login attempt (the clients share the machine with the server). */
        double clientCpuPerLogin() {
            return perLogin(clientCpuSeconds);
        }

        /** PostgreSQL's CPU time per login attempt (none in dev mode, whose database is in the server's JVM). */
        double databaseCpuPerLogin() {
            return perLogin(databaseCpuSeconds);
        }

        /** The whole machine's CPU time per login attempt: servers, database, clients, kernel, anything else running. */
        double machineCpuPerLogin() {
            return perLogin(machineCpuSeconds);
        }

        private double perLogin(double seconds) {
            return logins + errors == 0 ? 0 : 1000 * seconds / (logins + errors);
        }
    }

    private final LoginKind kind;
    private final Map<Step, List<Long>> samples = new EnumMap<>(Step.class);
    private final Map<String, Integer> errorMessages = new LinkedHashMap<>();
    private int logins;
    private int loginsInTime;
    private int errors;
    private int waits;
    private long waitedNanos;
    private long roundNanos;
    private long wallNanos;
    private final List<Double> roundRates = new ArrayList<>();
    private int loginsInTimeBeforeRound;
    private long serverCpuNanos;
    private long clientCpuNanos;
    private long databaseCpuNanos;
    private long machineCpuNanos;
    private boolean ranOut;

    KindResults(LoginKind kind) {
        this.kind = kind;
    }

    LoginKind kind() {
        return kind;
    }

    synchronized void login(Map<Step, Long> times, boolean withinRound) {
        logins++;
        if (withinRound) {
            loginsInTime++;
        }
        times.forEach((step, nanos) ->
                samples.computeIfAbsent(step, s -> new ArrayList<>()).add(nanos));
    }

    synchronized void error(String message) {
        errors++;
        if (errorMessages.containsKey(message) || errorMessages.size() < ERROR_KINDS_KEPT) {
            errorMessages.merge(message, 1, Integer::sum);
        }
    }

    /** A client waited for a user who could log in (all had used the current time step). */
    synchronized void waited(long nanos) {
        waits++;
        waitedNanos += nanos;
    }

    /**
     * A round is over: its set length, how long it took (with the logins under way at its end), the CPU time of server
     * and clients meanwhile, and whether the users ran out.
     */
    synchronized void round(long nanos, long tookNanos, long serverCpu, long clientCpu, boolean usersRanOut) {
        roundNanos += nanos;
        wallNanos += tookNanos;
        roundRates.add((loginsInTime - loginsInTimeBeforeRound) / (nanos / 1e9));
        loginsInTimeBeforeRound = loginsInTime;
        serverCpuNanos += serverCpu;
        clientCpuNanos += clientCpu;
        ranOut |= usersRanOut;
    }

    /** The CPU time of the whole machine and of the database during the round just reported. */
    synchronized void otherCpu(long machineNanos, long databaseNanos) {
        machineCpuNanos += machineNanos;
        databaseCpuNanos += databaseNanos;
    }

    /** @param serverIdleCpu the server's CPU use without logins, in ms per second, left out of its cost per login */
    synchronized Summary summary(double serverIdleCpu) {
        double serverCpuAboveIdle = Math.max(0, serverCpuNanos / 1e9 - serverIdleCpu / 1000 * wallNanos / 1e9);
        Map<Step, Stats> steps = new EnumMap<>(Step.class);
        samples.forEach((step, nanos) -> steps.put(step, stats(nanos)));
        return new Summary(
                kind,
                logins,
                loginsInTime,
                errors,
                Map.copyOf(errorMessages),
                waits,
                waitedNanos / 1e9,
                roundNanos / 1e9,
                List.copyOf(roundRates),
                serverCpuAboveIdle,
                clientCpuNanos / 1e9,
                databaseCpuNanos / 1e9,
                machineCpuNanos / 1e9,
                ranOut,
                steps);
    }

    private static Stats stats(List<Long> nanos) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Stats(sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.95));
    }

    /** Nearest-rank percentile, in milliseconds. */
    private static double percentile(long[] sorted, double fraction) {
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}

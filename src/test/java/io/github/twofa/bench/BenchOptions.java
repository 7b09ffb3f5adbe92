package io.github.twofa.bench;

import java.nio.file.Path;

import io.github.twofa.backupcodes.BackupCodePolicy;

/**
 * The login benchmark's settings, read from system properties ({@code bench.users} and so on); the pom profile
 * {@code login-bench} passes them, and {@code bench/login-benchmark.sh} sets them from its options.
 *
 * @param users         users per kind of second factor (one realm with built-in OTP users, one with ours)
 * @param clients       concurrent virtual browsers
 * @param rounds        measured rounds per kind of login
 * @param roundSeconds  length of one round
 * @param warmupSeconds length of the discarded warm-up round per kind
 * @param profile       whether to record the server with JFR and print where its CPU time went
 * @param cacheTemplates whether the server caches themes and templates as in production; dev mode (start-dev,
 *                       the default here as in the reference measurement) parses each page's template anew
 * @param backupCodeIterations PBKDF2 iterations of the imported backup codes (the realm setting's default unless
 *                       set), to see what the backup-code step costs at another setting
 * @param mode          dev mode on H2, one production node on PostgreSQL, or the two-node cluster
 * @param outputDir     where results.json, results.md and chart.svg go
 */
record BenchOptions(
        BenchServers.Mode mode,
        int users,
        int clients,
        int rounds,
        int roundSeconds,
        int warmupSeconds,
        boolean profile,
        boolean cacheTemplates,
        int backupCodeIterations,
        Path outputDir) {

    static final int MAX_USERS = 100_000;

    BenchOptions {
        if (users < 1 || users > MAX_USERS) {
            throw new IllegalArgumentException("users must be 1 to " + MAX_USERS + ", was " + users);
        }
        if (clients < 1 || rounds < 1 || roundSeconds < 1 || warmupSeconds < 0) {
            throw new IllegalArgumentException(
                    "clients, rounds and round seconds must be positive, warm-up not negative");
        }
        if (backupCodeIterations < 1) {
            throw new IllegalArgumentException("backup-code iterations must be positive");
        }
    }

    static BenchOptions fromSystemProperties() {
        return new BenchOptions(
                BenchServers.Mode.parse(System.getProperty("bench.mode", "dev")),
                Integer.getInteger("bench.users", 1000),
                Integer.getInteger("bench.clients", 50),
                Integer.getInteger("bench.rounds", 4),
                Integer.getInteger("bench.roundSeconds", 8),
                Integer.getInteger("bench.warmupSeconds", 4),
                Boolean.getBoolean("bench.profile"),
                Boolean.getBoolean("bench.cacheTemplates"),
                intOr(System.getProperty("bench.backupCodeIterations"), BackupCodePolicy.DEFAULT_ITERATIONS),
                Path.of(System.getProperty("bench.outputDir", "target/login-benchmark")));
    }

    /** The number in {@code value}, or {@code otherwise} when it is not set (the pom passes an empty value). */
    private static int intOr(String value, int otherwise) {
        return value == null || value.isBlank() ? otherwise : Integer.parseInt(value.trim());
    }

    /** One line for the report. */
    String describe() {
        return mode.name().toLowerCase(java.util.Locale.ROOT) + " mode (" + mode.description() + "), " + users
                + " users per kind, " + clients + " concurrent clients, " + rounds + " rounds of " + roundSeconds
                + " s per kind after a " + warmupSeconds + " s warm-up per kind, backup codes hashed with "
                + backupCodeIterations
                + " PBKDF2 iterations" + (cacheTemplates || mode != BenchServers.Mode.DEV ? ", templates cached" : "")
                + (profile ? ", JFR profile" : "");
    }
}

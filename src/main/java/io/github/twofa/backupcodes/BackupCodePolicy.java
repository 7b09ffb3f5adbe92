package io.github.twofa.backupcodes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * How many codes a set has, when the user is warned that few are left, and the PBKDF2 cost; realm settings
 * (the backup-codes required action's configuration in the admin console), with safe bounds.
 */
public record BackupCodePolicy(int count, int lowThreshold, int iterations) {

    public static final String COUNT = "twofa.backup-codes.count";
    public static final String LOW_THRESHOLD = "twofa.backup-codes.low-threshold";
    public static final String ITERATIONS = "twofa.backup-codes.iterations";

    public static final int DEFAULT_COUNT = 10;
    public static final int DEFAULT_LOW_THRESHOLD = 3;
    public static final int DEFAULT_ITERATIONS = 20_000;
    public static final BackupCodePolicy DEFAULT =
            new BackupCodePolicy(DEFAULT_COUNT, DEFAULT_LOW_THRESHOLD, DEFAULT_ITERATIONS);

    public BackupCodePolicy {
        if (count < 5 || count > 20) {
            throw new IllegalArgumentException("backup code count must be 5 to 20");
        }
        if (lowThreshold < 0 || lowThreshold >= count) {
            throw new IllegalArgumentException("low-codes threshold must be 0 to count - 1");
        }
        if (iterations < 10_000 || iterations > 10_000_000) {
            throw new IllegalArgumentException("PBKDF2 iterations must be 10,000 to 10,000,000");
        }
    }

    /** Reads the configuration; a missing or out-of-range value falls back to its default. */
    public static BackupCodePolicy from(Map<String, String> config) {
        if (config == null) {
            return DEFAULT;
        }
        int count = intOr(config.get(COUNT), DEFAULT_COUNT, 5, 20);
        int threshold = intOr(config.get(LOW_THRESHOLD), Math.min(DEFAULT_LOW_THRESHOLD, count - 1), 0, count - 1);
        int iterations = intOr(config.get(ITERATIONS), DEFAULT_ITERATIONS, 10_000, 10_000_000);
        return new BackupCodePolicy(count, threshold, iterations);
    }

    /**
     * What is wrong with {@code config} as an admin typed it: one sentence per setting out of range or not a whole
     * number (a missing setting is fine: it takes its default). Empty when it can be used as it is.
     */
    public static List<String> problems(Map<String, String> config) {
        List<String> problems = new ArrayList<>();
        OptionalInt count =
                check(config.get(COUNT), 5, 20, "Number of codes must be a whole number from 5 to 20.", problems);
        int maxThreshold = count.orElse(DEFAULT_COUNT) - 1;
        check(
                config.get(LOW_THRESHOLD),
                0,
                maxThreshold,
                "The warning threshold must be a whole number from 0 to " + maxThreshold
                        + " (one less than the number of codes).",
                problems);
        check(
                config.get(ITERATIONS),
                10_000,
                10_000_000,
                "PBKDF2 iterations must be a whole number from 10,000 to 10,000,000.",
                problems);
        return problems;
    }

    private static OptionalInt check(String value, int min, int max, String problem, List<String> problems) {
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return OptionalInt.of(parsed);
            }
        } catch (NumberFormatException notANumber) {
            // reported below
        }
        problems.add(problem);
        return OptionalInt.empty();
    }

    public boolean isLow(int remaining) {
        return remaining <= lowThreshold;
    }

    private static int intOr(String value, int fallback, int min, int max) {
        try {
            int parsed = Integer.parseInt(value == null ? "" : value.trim());
            return parsed < min || parsed > max ? fallback : parsed;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}

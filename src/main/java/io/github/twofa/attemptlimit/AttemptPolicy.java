package io.github.twofa.attemptlimit;

/**
 * How many wrong second factors a user may send before a lockout, and how long lockouts last: each lockout within
 * a day doubles the previous one, up to a ceiling.
 */
public record AttemptPolicy(int maxFailures, long windowSeconds, long firstLockoutSeconds, long maxLockoutSeconds) {

    public static final AttemptPolicy DEFAULT = new AttemptPolicy(5, 300, 300, 86_400);

    /** Ten years: no window or lockout is longer (the store's lifespans and the limiter's periods stay far from overflow). */
    public static final long MAX_SECONDS = 10L * 365 * 86_400;

    public AttemptPolicy {
        if (maxFailures < 1
                || windowSeconds < 1
                || firstLockoutSeconds < 1
                || maxLockoutSeconds < firstLockoutSeconds
                || windowSeconds > MAX_SECONDS
                || maxLockoutSeconds > MAX_SECONDS) {
            throw new IllegalArgumentException("attempt limits must be positive and at most ten years (" + MAX_SECONDS
                    + " s), the ceiling at least the first lockout");
        }
    }

    /** The length of the {@code n}-th lockout (1-based) within a day. */
    public long lockoutSeconds(int n) {
        long seconds = firstLockoutSeconds;
        for (int i = 1; i < n && seconds < maxLockoutSeconds; i++) {
            seconds *= 2;
        }
        return Math.min(seconds, maxLockoutSeconds);
    }

    /** Whole minutes, rounded up, for "try again in N minutes". */
    public static long minutes(long seconds) {
        return Math.max(1, (seconds + 59) / 60);
    }

    /** "1 minute", "5 minutes": for API answers, which are in English like the rest of OAuth's error texts. */
    public static String minutesText(long seconds) {
        long minutes = minutes(seconds);
        return minutes == 1 ? "1 minute" : minutes + " minutes";
    }
}

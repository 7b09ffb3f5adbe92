package io.github.twofa.bench;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The soak's settings, read from system properties ({@code soak.minutes} and so on); the pom profile {@code soak}
 * passes them, and {@code bench/soak.sh} sets them from its options.
 *
 * @param minutes            how long the logins go on
 * @param killEveryMinutes   time from one node kill to the next (the first comes this long after the start)
 * @param downSeconds        how long a killed node stays down before it is started again
 * @param clients            concurrent virtual browsers of the steady logins
 * @param users              users per kind of login (built-in OTP, our app code, our backup codes)
 * @param lockoutUsers       users kept for the lockout attack, each locked out again and again
 * @param lockoutSeconds     the first lockout's length on the servers (the extension's default is 300)
 * @param replayShare        share of accepted codes of ours that are sent again through the other node
 * @param failoverTailSeconds how long after the restarted node is ready a failover still counts as under way
 * @param outputDir          where results.md, results.json and attempts.jsonl go
 */
record SoakOptions(
        double minutes,
        double killEveryMinutes,
        int downSeconds,
        int clients,
        int users,
        int lockoutUsers,
        int lockoutSeconds,
        double replayShare,
        int failoverTailSeconds,
        Path outputDir) {

    /** Enough for hours of logins; twice as many of ours are imported (app-code users and backup-code users). */
    static final int MAX_USERS = 20_000;

    SoakOptions {
        if (minutes <= 0 || killEveryMinutes <= 0 || downSeconds < 0) {
            throw new IllegalArgumentException("minutes and kill interval must be positive, down time not negative");
        }
        if (clients < 1 || users < 1 || users > MAX_USERS || lockoutUsers < 0) {
            throw new IllegalArgumentException(
                    "clients and users must be positive (users at most " + MAX_USERS + "), lockout users not negative");
        }
        if (lockoutSeconds < 10 || replayShare < 0 || replayShare > 1 || failoverTailSeconds < 0) {
            throw new IllegalArgumentException(
                    "lockout at least 10 s, replay share 0 to 1, failover tail not negative");
        }
    }

    static SoakOptions fromSystemProperties() {
        return new SoakOptions(
                number("soak.minutes", 20),
                number("soak.killEveryMinutes", 4),
                (int) number("soak.downSeconds", 45),
                (int) number("soak.clients", 8),
                (int) number("soak.users", 300),
                (int) number("soak.lockoutUsers", 3),
                (int) number("soak.lockoutSeconds", 120),
                number("soak.replayShare", 0.05),
                (int) number("soak.failoverTailSeconds", 30),
                Path.of(System.getProperty("soak.outputDir", "target/soak")));
    }

    long durationMillis() {
        return (long) (minutes * 60_000);
    }

    long killEveryMillis() {
        return (long) (killEveryMinutes * 60_000);
    }

    /** One line for the report. */
    String describe() {
        return String.format(
                Locale.ROOT,
                "%s min of logins by %d clients over two nodes, %d users per kind, a node killed (SIGKILL) every %s"
                        + " min and started again after %d s, lockout attack on %d users (lockout %d s),"
                        + " %.0f%% of accepted codes of ours replayed through the other node",
                trim(minutes),
                clients,
                users,
                trim(killEveryMinutes),
                downSeconds,
                lockoutUsers,
                lockoutSeconds,
                replayShare * 100);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    /** The number in a property, or {@code otherwise} when it is not set (the pom passes an empty value). */
    private static double number(String property, double otherwise) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? otherwise : Double.parseDouble(value.trim());
    }
}

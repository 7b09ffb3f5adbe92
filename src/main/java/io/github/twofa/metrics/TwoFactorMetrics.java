package io.github.twofa.metrics;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The extension's meters, in the server's own Micrometer registry (Keycloak's, which serves {@code /metrics} on the
 * management interface when {@code --metrics-enabled=true}; with metrics off it has no backing registry and these
 * record nothing). Cardinality is bounded by design: tags are the factor (4 values), the outcome (6), and the realm
 * only when the server's own event metrics are tagged by realm; never a user, client or code.
 */
public final class TwoFactorMetrics {

    /** The second factor a check or a login was about. */
    public enum Factor {
        APP_CODE,
        BACKUP_CODE,
        TRUSTED_BROWSER,
        PASSKEY;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * What became of a check. UNREADABLE: the app's stored key was refused (an operator's problem, not the user's).
     */
    public enum Outcome {
        OK,
        WRONG,
        REPLAYED,
        MALFORMED,
        LOCKED,
        UNREADABLE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String CHECKS = "twofa.second.factor.checks";
    static final String CHECK_TIME = "twofa.second.factor.check";
    static final String ENROLMENTS = "twofa.enrolments";
    static final String LOCKOUTS = "twofa.lockouts";
    static final String BACKUP_CODE_SETS = "twofa.backup.code.sets.issued";
    static final String ADMIN_RESETS = "twofa.admin.resets";

    private static volatile MeterRegistry registry = Metrics.globalRegistry;
    private static volatile boolean tagRealm;

    private TwoFactorMetrics() {}

    /** Where meters go, and whether they carry the realm (as the server's event metrics do when told to). */
    public static void configure(MeterRegistry meterRegistry, boolean byRealm) {
        registry = meterRegistry;
        tagRealm = byRealm;
    }

    /**
     * Registers every series at 0 for {@code realm} (null: unlabelled), so the first event after a start is an
     * increase Prometheus can see: a series born at 1 is invisible to {@code increase()} and {@code rate()}.
     */
    public static void start(String realm) {
        for (Factor factor : Factor.values()) {
            for (Outcome outcome : Outcome.values()) {
                checks(realm, factor, outcome);
            }
        }
        checkTime(realm, Factor.APP_CODE);
        checkTime(realm, Factor.BACKUP_CODE);
        for (String name : COUNTERS.keySet()) {
            counter(name, realm);
        }
    }

    /** Whether meters carry the realm (then {@link #start} is wanted per realm). */
    public static boolean byRealm() {
        return tagRealm;
    }

    /** One check of a second factor; {@code nanos} is how long the check took, or a negative number if unmeasured. */
    public static void checked(String realm, Factor factor, Outcome outcome, long nanos) {
        checks(realm, factor, outcome).increment();
        if (nanos >= 0) {
            checkTime(realm, factor).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    public static void enrolled(String realm) {
        counter(ENROLMENTS, realm).increment();
    }

    public static void lockedOut(String realm) {
        counter(LOCKOUTS, realm).increment();
    }

    public static void backupCodesIssued(String realm) {
        counter(BACKUP_CODE_SETS, realm).increment();
    }

    public static void adminReset(String realm) {
        counter(ADMIN_RESETS, realm).increment();
    }

    /** The plain counters and their descriptions (help text on /metrics). */
    private static final Map<String, String> COUNTERS = Map.of(
            ENROLMENTS, "Authenticator apps set up",
            LOCKOUTS, "Lockouts started by the attempt limit",
            BACKUP_CODE_SETS, "Backup-code sets issued",
            ADMIN_RESETS, "2FA removed by an administrator");

    private static Counter checks(String realm, Factor factor, Outcome outcome) {
        return Counter.builder(CHECKS)
                .description("Second-factor checks, by factor and outcome")
                .tags(realmTags(realm).and("factor", factor.tag()).and("outcome", outcome.tag()))
                .register(registry);
    }

    private static Timer checkTime(String realm, Factor factor) {
        return Timer.builder(CHECK_TIME)
                .description("Time to check a second factor (hashing, decryption, the single-use store)")
                .tags(realmTags(realm).and("factor", factor.tag()))
                .register(registry);
    }

    private static Counter counter(String name, String realm) {
        return Counter.builder(name)
                .description(COUNTERS.get(name))
                .tags(realmTags(realm))
                .register(registry);
    }

    private static Tags realmTags(String realm) {
        return tagRealm && realm != null ? Tags.of("realm", realm) : Tags.empty();
    }
}

package io.github.twofa.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TwoFactorMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void restore() {
        TwoFactorMetrics.configure(Metrics.globalRegistry, false);
    }

    @Test
    void givenChecks_whenCounted_thenEachFactorAndOutcomeHasItsOwnCountAndTheTimerCountsMeasuredOnes() {
        TwoFactorMetrics.configure(registry, false);
        TwoFactorMetrics.checked("demo", TwoFactorMetrics.Factor.APP_CODE, TwoFactorMetrics.Outcome.OK, 1_000);
        TwoFactorMetrics.checked("demo", TwoFactorMetrics.Factor.APP_CODE, TwoFactorMetrics.Outcome.OK, 2_000);
        TwoFactorMetrics.checked("demo", TwoFactorMetrics.Factor.APP_CODE, TwoFactorMetrics.Outcome.REPLAYED, 1_000);
        TwoFactorMetrics.checked("demo", TwoFactorMetrics.Factor.TRUSTED_BROWSER, TwoFactorMetrics.Outcome.OK, -1);

        assertEquals(2.0, checks("app-code", "ok"));
        assertEquals(1.0, checks("app-code", "replayed"));
        assertEquals(1.0, checks("trusted-browser", "ok"));
        assertEquals(
                3,
                registry.get(TwoFactorMetrics.CHECK_TIME)
                        .tag("factor", "app-code")
                        .timer()
                        .count());
        assertNull(registry.find(TwoFactorMetrics.CHECK_TIME)
                .tag("factor", "trusted-browser")
                .timer());
        assertNull(
                registry.find(TwoFactorMetrics.CHECKS).tagKeys("realm").counter(),
                "no realm tag unless the server's metrics are tagged by realm");
    }

    @Test
    void givenRealmTagsOn_whenCounting_thenTheRealmIsATag() {
        TwoFactorMetrics.configure(registry, true);
        TwoFactorMetrics.lockedOut("demo");
        TwoFactorMetrics.lockedOut("other");
        TwoFactorMetrics.lockedOut("demo");
        assertEquals(
                2.0,
                registry.get(TwoFactorMetrics.LOCKOUTS)
                        .tag("realm", "demo")
                        .counter()
                        .count());
    }

    private double checks(String factor, String outcome) {
        return registry.get(TwoFactorMetrics.CHECKS)
                .tag("factor", factor)
                .tag("outcome", outcome)
                .counter()
                .count();
    }
}

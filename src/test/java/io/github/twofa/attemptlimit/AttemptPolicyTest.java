package io.github.twofa.attemptlimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AttemptPolicyTest {

    @Test
    void givenDefaults_thenFiveFailuresInFiveMinutesAndLockoutsDoubleFromFiveMinutesToADay() {
        AttemptPolicy policy = AttemptPolicy.DEFAULT;

        assertEquals(5, policy.maxFailures());
        assertEquals(300, policy.windowSeconds());
        assertEquals(300, policy.lockoutSeconds(1));
        assertEquals(600, policy.lockoutSeconds(2));
        assertEquals(1200, policy.lockoutSeconds(3));
        assertEquals(86_400, policy.lockoutSeconds(30));
    }

    @Test
    void givenSeconds_whenShownAsMinutes_thenRoundedUpAndNeverZero() {
        assertEquals(1, AttemptPolicy.minutes(1));
        assertEquals(5, AttemptPolicy.minutes(300));
        assertEquals(6, AttemptPolicy.minutes(301));
        assertEquals("1 minute", AttemptPolicy.minutesText(60));
        assertEquals("5 minutes", AttemptPolicy.minutesText(300));
    }

    @Test
    void givenNonsense_thenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new AttemptPolicy(0, 300, 300, 600));
        assertThrows(IllegalArgumentException.class, () -> new AttemptPolicy(5, 300, 600, 300));
        assertThrows(
                IllegalArgumentException.class,
                () -> new AttemptPolicy(5, 300, 300, Long.MAX_VALUE),
                "a ceiling meant as 'none' must not overflow the limiter's arithmetic");
        assertThrows(
                IllegalArgumentException.class, () -> new AttemptPolicy(5, AttemptPolicy.MAX_SECONDS + 1, 300, 600));
        new AttemptPolicy(5, AttemptPolicy.MAX_SECONDS, 300, AttemptPolicy.MAX_SECONDS);
    }
}

package io.github.twofa.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * The limiter's bookkeeping over time (Keycloak's clock moved by {@link Time#setOffset}), against an in-memory store
 * with the same contract as Keycloak's single-use store: entries expire after their lifespan, putIfAbsent is atomic.
 * That it is the real, cluster-wide store on the server is proven by AttemptLimitIT and the cluster test.
 */
class AttemptLimiterTest {

    private final AttemptLimiter limiter = new AttemptLimiter(new ExpiringStore(), AttemptPolicy.DEFAULT);

    @AfterEach
    void resetClock() {
        Time.setOffset(0);
    }

    @Test
    void givenFourFailures_thenNotLockedAndTheFifthLocksForFiveMinutes() {
        for (int i = 0; i < 4; i++) {
            assertEquals(OptionalLong.empty(), fail());
        }
        assertTrue(limiter.lockedForSeconds("r", "u").isEmpty());

        assertEquals(OptionalLong.of(300), fail());
        assertEquals(OptionalLong.of(300), limiter.lockedForSeconds("r", "u"));
        assertTrue(limiter.begin("r", "u").isEmpty(), "no check while locked out");
    }

    @Test
    void givenFiveChecksStillRunning_thenASixthIsRefusedBeforeItsCodeIsLookedAt() {
        List<AttemptLimiter.Attempt> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(limiter.begin("r", "u").orElseThrow());
        }

        assertTrue(limiter.begin("r", "u").isEmpty(), "a sixth concurrent guess must not be checked");
        assertEquals(300, limiter.secondsToWait("r", "u"));

        running.get(0).withdrawn();
        assertTrue(limiter.begin("r", "u").isPresent(), "input that was no code gives its attempt back");
    }

    @Test
    void givenALockoutThatEnded_whenFiveMoreFailuresFollow_thenTheNextLockoutIsTwiceAsLongAndThenFourTimes() {
        lockOut();
        Time.setOffset(301);
        assertTrue(limiter.lockedForSeconds("r", "u").isEmpty());

        assertEquals(OptionalLong.of(600), lockOut());
        Time.setOffset(301 + 601);
        assertEquals(OptionalLong.of(1200), lockOut());
    }

    @Test
    void givenFailuresOlderThanTheWindow_thenTheyNoLongerCount() {
        for (int i = 0; i < 4; i++) {
            fail();
        }
        Time.setOffset(301);

        assertEquals(OptionalLong.empty(), fail());
    }

    @Test
    void givenFailuresAndAnEarlierLockout_whenASuccessFollows_thenCountAndBackOffStartOver() {
        lockOut();
        Time.setOffset(301);
        fail();
        limiter.begin("r", "u").orElseThrow().succeeded();

        assertEquals(OptionalLong.of(300), lockOut(), "back to the first lockout's length");
    }

    @Test
    void givenALockout_whenAnAdminClearsIt_thenTheUserMayTryAtOnceAndTheBackOffStartsOver() {
        lockOut();

        limiter.clear("r", "u");

        assertTrue(limiter.lockedForSeconds("r", "u").isEmpty());
        assertEquals(OptionalLong.of(300), lockOut());
    }

    @Test
    void givenOneUserLockedOut_thenOtherUsersAndRealmsAreNot() {
        lockOut();

        assertTrue(limiter.lockedForSeconds("r", "other").isEmpty());
        assertTrue(limiter.lockedForSeconds("other", "u").isEmpty());
    }

    private OptionalLong fail() {
        return limiter.begin("r", "u").orElseThrow().failed();
    }

    private OptionalLong lockOut() {
        OptionalLong lockout = OptionalLong.empty();
        for (int i = 0; i < 5; i++) {
            lockout = fail();
        }
        return lockout;
    }

    /** Entries with a lifespan on Keycloak's clock. */
    private static final class ExpiringStore implements SingleUseObjectProvider {

        private record Entry(long expires, Map<String, String> notes) {
        }

        private final Map<String, Entry> entries = new HashMap<>();

        private Entry live(String key) {
            Entry entry = entries.get(key);
            if (entry != null && entry.expires() <= Time.currentTime()) {
                entries.remove(key);
                return null;
            }
            return entry;
        }

        @Override
        public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            entries.put(key, new Entry(Time.currentTime() + lifespanSeconds, notes));
        }

        @Override
        public Map<String, String> get(String key) {
            Entry entry = live(key);
            return entry == null ? null : entry.notes();
        }

        @Override
        public Map<String, String> remove(String key) {
            Entry entry = live(key);
            entries.remove(key);
            return entry == null ? null : entry.notes();
        }

        @Override
        public boolean replace(String key, Map<String, String> notes) {
            Entry entry = live(key);
            if (entry == null) {
                return false;
            }
            entries.put(key, new Entry(entry.expires(), notes));
            return true;
        }

        @Override
        public boolean putIfAbsent(String key, long lifespanInSeconds) {
            if (live(key) != null) {
                return false;
            }
            put(key, lifespanInSeconds, Map.of());
            return true;
        }

        @Override
        public boolean contains(String key) {
            return live(key) != null;
        }

        @Override
        public void close() {
        }
    }
}

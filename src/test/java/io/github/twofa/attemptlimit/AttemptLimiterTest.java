package io.github.twofa.attemptlimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The limiter's bookkeeping over time (a frozen test clock, moved by {@link #setOffset}), against an in-memory store
 * with the same contract as Keycloak's single-use store: entries expire after their lifespan, putIfAbsent and remove
 * are atomic and immediate, put is seen by other requests only once its request commits.
 * That it is the real, cluster-wide store on the server is proven by AttemptLimitIT and the cluster test.
 */
class AttemptLimiterTest {

    private final ExpiringStore store = new ExpiringStore();

    /** A clock that stands still unless moved: a real one could tick between a lockout and its check. */
    private static final long START = 1_800_000_000L;

    private static long offset;

    private static long now() {
        return START + offset;
    }

    private static void setOffset(long seconds) {
        offset = seconds;
    }

    @AfterEach
    void resetClock() {
        setOffset(0);
    }

    @Test
    void givenFourFailures_thenNotLockedAndTheFifthLocksForFiveMinutes() {
        for (int i = 0; i < 4; i++) {
            assertEquals(OptionalLong.empty(), fail());
        }
        assertTrue(limiter().lockedForSeconds("r", "u").isEmpty());

        assertEquals(OptionalLong.of(300), fail());
        assertEquals(OptionalLong.of(300), limiter().lockedForSeconds("r", "u"));
        assertTrue(limiter().begin("r", "u").isEmpty(), "no check while locked out");
    }

    @Test
    void givenFiveExpensiveChecksStillRunning_thenASixthIsRefusedBeforeItsCodeIsLookedAt() {
        List<AttemptLimiter.Attempt> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            running.add(holdingASlot(limiter()));
        }

        assertTrue(limiter().begin("r", "u").isEmpty(), "a sixth concurrent guess must not be checked");
        assertEquals(300, limiter().secondsToWait("r", "u"));

        running.get(0).withdrawn();
        assertTrue(limiter().begin("r", "u").isPresent(), "input that was no code gives its attempt back");
    }

    @Test
    void givenFourFailures_thenARightCodeCheckedWithoutASlotIsLetIn() {
        for (int i = 0; i < 4; i++) {
            fail();
        }
        AttemptLimiter.Attempt cheap = limiter().begin("r", "u").orElseThrow();

        assertTrue(cheap.allowsSuccess());
        assertTrue(cheap.admitted());
        cheap.succeeded();
        assertEquals(OptionalLong.empty(), fail(), "the success cleared the four failures");
    }

    @Test
    void givenCheapChecksBegunBeforeFiveExpensiveOnesTookEverySlot_thenTheirRightCodesAreNotLetIn() {
        AttemptLimiter.Attempt cheap = limiter().begin("r", "u").orElseThrow();
        AttemptLimiter.Attempt wrongCheap = limiter().begin("r", "u").orElseThrow();
        fiveChecksAtOnce();

        assertFalse(cheap.allowsSuccess(), "a sixth guess must not be let in, right or not");
        assertFalse(cheap.admitted());
        assertFalse(wrongCheap.holdSlot(), "nor answered as wrong");
    }

    @Test
    void givenALockoutThatFreedTheSlotsMeanwhile_thenARightCodeCheckedWithoutASlotIsNotLetIn() {
        AttemptLimiter.Attempt cheap = limiter().begin("r", "u").orElseThrow();
        List<InFlight> running = fiveChecksAtOnce();
        assertEquals(OptionalLong.of(300), running.get(0).attempt().failed());

        assertFalse(cheap.allowsSuccess(), "the slots are free again, but the lock is there");
        assertFalse(cheap.holdSlot(), "and a wrong code is not answered as wrong");
    }

    @Test
    void givenACheckWithoutASlot_whenItsCodeIsWrong_thenItTakesASlotBeforeItIsCounted() {
        AttemptLimiter.Attempt cheap = limiter().begin("r", "u").orElseThrow();
        assertThrows(IllegalStateException.class, cheap::failed, "a failure is counted in a slot");

        assertTrue(cheap.holdSlot());
        assertTrue(cheap.holdSlot(), "holding one already");
        assertEquals(OptionalLong.empty(), cheap.failed());
        for (int i = 0; i < 3; i++) {
            fail();
        }
        assertEquals(OptionalLong.of(300), fail(), "it was the first of five");
    }

    @Test
    void givenALockoutWhoseRequestHasNotCommittedYet_thenASixthCheckIsStillRefused() {
        List<InFlight> running = fiveChecksAtOnce();

        assertEquals(OptionalLong.of(300), running.get(0).attempt().failed());
        assertTrue(limiter().begin("r", "u").isEmpty(), "the lockout must hold before its request commits");

        running.get(0).request().commit();
        assertTrue(limiter().begin("r", "u").isEmpty(), "no check while locked out");
        assertEquals(OptionalLong.of(300), limiter().lockedForSeconds("r", "u"));
    }

    @Test
    void givenALockoutWhoseRequestRolledBack_thenTheUserStaysLockedForTheLockoutsLength() {
        List<InFlight> running = fiveChecksAtOnce();
        running.get(0).attempt().failed();

        assertTrue(limiter().begin("r", "u").isEmpty());
        assertEquals(
                OptionalLong.of(300), limiter().lockedForSeconds("r", "u"), "no end time stored: the whole lockout");
        setOffset(301);
        assertTrue(limiter().begin("r", "u").isPresent());
    }

    @Test
    void givenALockoutShorterThanTheWindow_whenItEnds_thenTheUserMayTryAgainAtOnce() {
        AttemptPolicy shortLockout = new AttemptPolicy(5, 600, 60, 3600);
        for (int i = 0; i < 5; i++) {
            fail(shortLockout);
        }
        assertEquals(
                OptionalLong.of(60), store.newRequest().limiter(shortLockout).lockedForSeconds("r", "u"));

        setOffset(61);

        assertTrue(
                store.newRequest().limiter(shortLockout).begin("r", "u").isPresent(),
                "the lockout gave the attempts back");
    }

    @Test
    void givenALockoutWhoseRequestHasNotCommittedYet_whenAnAdminClearsIt_thenTheUserIsNotLockedAfterTheCommit() {
        List<InFlight> running = fiveChecksAtOnce();
        running.get(0).attempt().failed();

        limiter().clear("r", "u");
        running.get(0).request().commit();

        assertTrue(limiter().lockedForSeconds("r", "u").isEmpty());
        assertTrue(limiter().begin("r", "u").isPresent());
    }

    @Test
    void givenFiveWrongCodesCheckedAtOnce_thenTheyStartOneLockoutNotFive() {
        List<InFlight> running = fiveChecksAtOnce();

        List<OptionalLong> lockouts =
                running.stream().map(check -> check.attempt().failed()).toList();
        running.forEach(check -> check.request().commit());

        assertEquals(
                List.of(OptionalLong.of(300)),
                lockouts.stream().filter(OptionalLong::isPresent).toList());
        setOffset(301);
        assertEquals(OptionalLong.of(600), lockOut(), "the burst was the first lockout, so the next one is the second");
    }

    @Test
    void givenALockoutThatEnded_whenFiveMoreFailuresFollow_thenTheNextLockoutIsTwiceAsLongAndThenFourTimes() {
        lockOut();
        setOffset(301);
        assertTrue(limiter().lockedForSeconds("r", "u").isEmpty());

        assertEquals(OptionalLong.of(600), lockOut());
        setOffset(301 + 601);
        assertEquals(OptionalLong.of(1200), lockOut());
    }

    @Test
    void givenFailuresOlderThanTheWindow_thenTheyNoLongerCount() {
        for (int i = 0; i < 4; i++) {
            fail();
        }
        setOffset(301);

        assertEquals(OptionalLong.empty(), fail());
    }

    @Test
    void givenFailuresAndAnEarlierLockout_whenASuccessFollows_thenCountAndBackOffStartOver() {
        lockOut();
        setOffset(301);
        fail();
        limiter().begin("r", "u").orElseThrow().succeeded();

        assertEquals(OptionalLong.of(300), lockOut(), "back to the first lockout's length");
    }

    @Test
    void givenALockout_whenAnAdminClearsIt_thenTheUserMayTryAtOnceAndTheBackOffStartsOver() {
        lockOut();

        limiter().clear("r", "u");

        assertTrue(limiter().lockedForSeconds("r", "u").isEmpty());
        assertEquals(OptionalLong.of(300), lockOut());
    }

    @Test
    void givenOneUserLockedOut_thenOtherUsersAndRealmsAreNot() {
        lockOut();

        assertTrue(limiter().lockedForSeconds("r", "other").isEmpty());
        assertTrue(limiter().lockedForSeconds("other", "u").isEmpty());
    }

    /** A limiter on a request of its own; what it puts is not committed, so only reads and immediate writes count. */
    private AttemptLimiter limiter() {
        return store.newRequest().limiter();
    }

    @Test
    void givenACheckHoldingASlot_thenItsRightCodeIsLetInAndItsSuccessFreesTheSlot() {
        AttemptLimiter.Attempt expensive = holdingASlot(limiter());

        assertTrue(expensive.allowsSuccess(), "a check that holds a slot may always succeed");
        expensive.succeeded();
        assertTheFifthFailureFromNowLocksOut();
    }

    @Test
    void givenFailuresHeldWhenARightCodeIsAdmitted_thenItsSuccessForgetsThem() {
        fail();
        fail();
        AttemptLimiter.Attempt right = limiter().begin("r", "u").orElseThrow();
        assertTrue(right.allowsSuccess());
        right.succeeded();

        assertTheFifthFailureFromNowLocksOut();
    }

    @Test
    void givenARightCodeAdmittedWithNoFailureHeld_whenAWrongCodeIsCountedBeforeItsSuccess_thenThatFailureStays() {
        ExpiringStore.Request login = store.newRequest();
        AttemptLimiter.Attempt right = login.limiter().begin("r", "u").orElseThrow();
        assertTrue(right.allowsSuccess());
        fail();
        int readsBefore = login.reads;
        right.succeeded();

        assertEquals(readsBefore, login.reads, "nothing to forget, nothing read again");
        for (int i = 0; i < 3; i++) {
            assertEquals(OptionalLong.empty(), fail());
        }
        assertEquals(OptionalLong.of(300), fail(), "the failure after the admission counted as the first of five");
    }

    @Test
    void givenNothingRecordedForTheUser_thenARightCodeIsLetInAfterFourReadsOfTheStore() {
        ExpiringStore.Request login = store.newRequest();
        AttemptLimiter limiter = login.limiter();

        assertTrue(limiter.lockedForSeconds("r", "u").isEmpty());
        AttemptLimiter.Attempt right = limiter.begin("r", "u").orElseThrow();
        assertTrue(right.allowsSuccess());
        right.succeeded();

        assertEquals(4, login.reads, "the lock twice and the user's mark twice; no slot and no lockout count");
        assertTheFifthFailureFromNowLocksOut();
    }

    @Test
    void givenFiveChecksRunningJustBeforeADayEnds_thenRightCodesJustAfterItAreNotLetIn() {
        setOffset(secondsToNextDay() - 1);
        AttemptLimiter.Attempt cheap = limiter().begin("r", "u").orElseThrow();
        fiveChecksAtOnce();

        setOffset(secondsToNextDay() + 1);

        assertTrue(limiter().begin("r", "u").isEmpty(), "a sixth guess must not be checked");
        assertFalse(cheap.allowsSuccess(), "nor let in");
    }

    @Test
    void givenFiveChecksRunningOnANodeWhoseClockIsOffByUpToTenMinutes_thenEveryOtherNodeRefusesASixthGuess() {
        long nextDay = secondsToNextDay();
        for (long writerAhead : new long[] {-300, 0, 300}) {
            for (long startedAt = nextDay - 900; startedAt <= nextDay + 900; startedAt += 50) {
                for (long readerAhead : new long[] {-300, 0, 300}) {
                    ExpiringStore cluster = new ExpiringStore();
                    setOffset(startedAt);
                    AttemptLimiter.Attempt cheap = cluster.newRequest()
                            .limiter(AttemptPolicy.DEFAULT, readerAhead)
                            .begin("r", "u")
                            .orElseThrow();
                    for (int i = 0; i < 5; i++) {
                        holdingASlot(cluster.newRequest().limiter(AttemptPolicy.DEFAULT, writerAhead));
                    }
                    for (long later : new long[] {0, 1, 150, 299}) {
                        setOffset(startedAt + later);
                        String when = "five checks from " + startedAt + " on a clock " + writerAhead
                                + " s ahead, a sixth " + later + " s later on one " + readerAhead + " s ahead";
                        AttemptLimiter reader = cluster.newRequest().limiter(AttemptPolicy.DEFAULT, readerAhead);
                        assertTrue(reader.begin("r", "u").isEmpty(), when);
                        assertFalse(cheap.allowsSuccess(), when);
                    }
                }
            }
        }
    }

    @Test
    void givenALockoutADayAgo_whenANodeTenMinutesAheadLocksOutAgainJustBeforeItIsForgotten_thenTheLockoutDoubles() {
        long lockedAt = secondsToNextDay() - 300;
        setOffset(lockedAt);
        assertEquals(OptionalLong.of(300), lockOut());

        setOffset(lockedAt + 86_400 - 10);
        List<AttemptLimiter.Attempt> atOnce = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            atOnce.add(store.newRequest()
                    .limiter(AttemptPolicy.DEFAULT, 600)
                    .begin("r", "u")
                    .orElseThrow());
        }
        atOnce.forEach(attempt -> assertTrue(attempt.holdSlot()));

        assertEquals(
                List.of(OptionalLong.of(600)),
                atOnce.stream()
                        .map(AttemptLimiter.Attempt::failed)
                        .filter(OptionalLong::isPresent)
                        .toList(),
                "the first lockout is remembered for a day on every clock");
    }

    /** One wrong code in a request of its own on a node whose clock is {@code aheadSeconds} ahead, committed. */
    private static OptionalLong failOn(ExpiringStore cluster, AttemptPolicy policy, long aheadSeconds) {
        ExpiringStore.Request request = cluster.newRequest();
        OptionalLong lockout =
                holdingASlot(request.limiter(policy, aheadSeconds)).failed();
        request.commit();
        return lockout;
    }

    @Test
    void givenAFailureAtNoon_whenFiveChecksRunJustBeforeTheNextNoon_thenASixthJustAfterItIsRefused() {
        long noon = secondsToNextDay() - 43_200;
        setOffset(noon);
        fail();
        setOffset(noon + 86_400 - 10);
        fiveChecksAtOnce();

        setOffset(noon + 86_400 + 20);

        assertTrue(limiter().begin("r", "u").isEmpty(), "the mark made a day ahead at noon must not end at noon");
    }

    @Test
    void givenALockWrittenByAVersionBeforeMarks_thenItStillHolds() {
        // The lock's key as the versions before the marks wrote it (and this one does), with no mark beside it.
        assertTrue(store.newRequest().putIfAbsent("twofa-locked:r:u", 300));

        assertTrue(limiter().lockedForSeconds("r", "u").isPresent());
        assertTrue(limiter().begin("r", "u").isEmpty());
    }

    @Test
    void givenALockoutLongerThanADay_thenItHoldsToItsEnd() {
        AttemptPolicy days = new AttemptPolicy(5, 300, 3 * 86_400, 3 * 86_400);
        for (int i = 0; i < 5; i++) {
            fail(days);
        }

        setOffset(3 * 86_400 - 1);
        assertEquals(OptionalLong.of(1), store.newRequest().limiter(days).lockedForSeconds("r", "u"));
        assertTrue(store.newRequest().limiter(days).begin("r", "u").isEmpty());
        setOffset(3 * 86_400);
        assertTrue(store.newRequest().limiter(days).begin("r", "u").isPresent());
    }

    /** From {@link #START} to the next midnight (UTC), where the default policy's mark periods begin. */
    private static long secondsToNextDay() {
        return 86_400 - Math.floorMod(START, 86_400);
    }

    /** Four wrong codes from now are counted without a lockout, and the fifth starts the first one. */
    private void assertTheFifthFailureFromNowLocksOut() {
        for (int i = 0; i < 4; i++) {
            assertEquals(OptionalLong.empty(), fail(), "failure " + (i + 1) + " from now");
        }
        assertEquals(OptionalLong.of(300), fail());
    }

    /** One wrong code in a request of its own, committed. */
    private OptionalLong fail() {
        return fail(AttemptPolicy.DEFAULT);
    }

    private OptionalLong fail(AttemptPolicy policy) {
        ExpiringStore.Request request = store.newRequest();
        OptionalLong lockout = holdingASlot(request.limiter(policy)).failed();
        request.commit();
        return lockout;
    }

    /** A check that has begun and holds a slot, as an expensive check does before its work and a wrong code does. */
    private static AttemptLimiter.Attempt holdingASlot(AttemptLimiter limiter) {
        AttemptLimiter.Attempt attempt = limiter.begin("r", "u").orElseThrow();
        assertTrue(attempt.holdSlot());
        return attempt;
    }

    /** A check begun in a request that has not finished. */
    private record InFlight(ExpiringStore.Request request, AttemptLimiter.Attempt attempt) {}

    private List<InFlight> fiveChecksAtOnce() {
        List<InFlight> running = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ExpiringStore.Request request = store.newRequest();
            running.add(new InFlight(request, holdingASlot(request.limiter())));
        }
        return running;
    }

    private OptionalLong lockOut() {
        OptionalLong lockout = OptionalLong.empty();
        for (int i = 0; i < 5; i++) {
            lockout = fail();
        }
        return lockout;
    }

    /**
     * Entries with a lifespan on Keycloak's clock, shared by all requests. As in Keycloak's store, a request's
     * {@code put} is seen by others only when it commits; {@code putIfAbsent} and {@code remove} act at once.
     */
    private static final class ExpiringStore {

        private record Entry(long expires, Map<String, String> notes) {}

        private final Map<String, Entry> entries = new HashMap<>();

        private Entry live(String key) {
            Entry entry = entries.get(key);
            if (entry != null && entry.expires() <= now()) {
                entries.remove(key);
                return null;
            }
            return entry;
        }

        Request newRequest() {
            return new Request();
        }

        /** One request's view of the store, with its puts and after-commit work waiting for {@link #commit}. */
        final class Request implements AttemptStore {

            private final Map<String, Entry> pendingPuts = new HashMap<>();

            AttemptLimiter limiter() {
                return limiter(AttemptPolicy.DEFAULT);
            }

            AttemptLimiter limiter(AttemptPolicy policy) {
                return limiter(policy, 0);
            }

            /** On a node whose clock is {@code aheadSeconds} ahead of the store's (behind if negative). */
            AttemptLimiter limiter(AttemptPolicy policy, long aheadSeconds) {
                return new AttemptLimiter(this, policy, () -> now() + aheadSeconds);
            }

            void commit() {
                entries.putAll(pendingPuts);
                pendingPuts.clear();
            }

            @Override
            public void put(String key, long lifespanSeconds, Map<String, String> notes) {
                pendingPuts.put(key, new Entry(now() + lifespanSeconds, notes));
            }

            @Override
            public Map<String, String> get(String key) {
                Entry entry = pendingPuts.containsKey(key) ? pendingPuts.get(key) : live(key);
                return entry == null ? null : entry.notes();
            }

            @Override
            public void remove(String key) {
                entries.remove(key);
            }

            @Override
            public boolean putIfAbsent(String key, long lifespanInSeconds) {
                if (live(key) != null) {
                    return false;
                }
                entries.put(key, new Entry(now() + lifespanInSeconds, Map.of()));
                return true;
            }

            /** How many times this request read the store. */
            int reads;

            @Override
            public boolean contains(String key) {
                reads++;
                return live(key) != null;
            }
        }
    }
}

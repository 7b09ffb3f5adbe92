package io.github.twofa.credential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.twofa.credential.UsedStepRegistry.Claim;
import org.junit.jupiter.api.Test;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * The claims' interleavings, one store call at a time, in the order two overlapping requests could make them (the
 * real store, on a real cluster, is in ConcurrentUseIT and the soak; an order like these is hard to force there).
 */
class UsedStepRegistryTest {

    private static final int WINDOW = 1;
    private static final long LIFESPAN = UsedStepRegistry.lifespanSeconds(30, WINDOW);

    /** Keycloak's single-use store as far as the registry uses it: one map, entries never expire here. */
    private static final class MapStore implements SingleUseObjectProvider {
        private final Map<String, Map<String, String>> entries = new ConcurrentHashMap<>();

        @Override
        public void put(String key, long lifespanSeconds, Map<String, String> notes) {
            entries.put(key, notes == null ? Map.of() : notes);
        }

        @Override
        public Map<String, String> get(String key) {
            return entries.get(key);
        }

        @Override
        public Map<String, String> remove(String key) {
            return entries.remove(key);
        }

        @Override
        public boolean replace(String key, Map<String, String> notes) {
            return entries.replace(key, notes) != null;
        }

        @Override
        public boolean putIfAbsent(String key, long lifespanSeconds) {
            return entries.putIfAbsent(key, Map.of()) == null;
        }

        @Override
        public boolean contains(String key) {
            return entries.containsKey(key);
        }

        @Override
        public void close() {}
    }

    private final UsedStepRegistry registry = new UsedStepRegistry(new MapStore());

    @Test
    void givenStepsSThenTheNextOneAfterTheFirstCheckEnded_thenBothAreClaimed() {
        assertTrue(registry.take("app", 100, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("app", 100, WINDOW));
        registry.markDone("app", 100, LIFESPAN);

        assertTrue(registry.take("app", 101, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("app", 101, WINDOW));
    }

    @Test
    void givenAStepAfterANewerOneWasClaimed_thenItIsAReplay() {
        registry.take("app", 101, LIFESPAN);
        registry.markDone("app", 101, LIFESPAN);

        assertTrue(registry.take("app", 100, LIFESPAN));
        assertEquals(Claim.REPLAYED, registry.afterTaking("app", 100, WINDOW));
        assertFalse(registry.take("app", 101, LIFESPAN), "the same step once more");
        assertTrue(registry.isDone("app", 101));
    }

    /** Both take their step before either looks: neither is accepted. */
    @Test
    void givenOverlappingChecksOfSAndTheNextStepThatBothClaimFirst_thenNeitherIsAccepted() {
        assertTrue(registry.take("app", 100, LIFESPAN));
        assertTrue(registry.take("app", 101, LIFESPAN));

        assertEquals(Claim.REPLAYED, registry.afterTaking("app", 100, WINDOW));
        assertEquals(Claim.BUSY, registry.afterTaking("app", 101, WINDOW));
    }

    /**
     * The reviewer's case: a request at the end of step c checks a code of c-1, one at the start of c+1 a code of c.
     * Counted from each node's clock, the second would not have looked at c-1; counted from the step, it does.
     */
    @Test
    void givenOverlappingChecksEitherSideOfAStepBoundary_thenTheLaterStepIsToldToTryAgain() {
        long c = 1000;
        assertTrue(registry.take("app", c - 1, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("app", c - 1, WINDOW));

        assertTrue(registry.take("app", c + 1, LIFESPAN));
        assertEquals(Claim.BUSY, registry.afterTaking("app", c + 1, WINDOW), "two steps apart, still seen");
    }

    @Test
    void givenAStepGivenBackAfterBusy_thenTheSameCodeWorksOnceTheOtherCheckEnded() {
        registry.take("app", 100, LIFESPAN);
        registry.take("app", 101, LIFESPAN);
        assertEquals(Claim.BUSY, registry.afterTaking("app", 101, WINDOW));
        registry.giveBack("app", 101);
        registry.markDone("app", 100, LIFESPAN);

        assertTrue(registry.take("app", 101, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("app", 101, WINDOW));
    }

    @Test
    void givenTheSameStepWhileItsFirstCheckIsUnderWay_thenItCannotBeTakenAndIsNotDoneYet() {
        assertTrue(registry.take("app", 100, LIFESPAN));
        assertFalse(registry.take("app", 100, LIFESPAN));
        assertFalse(registry.isDone("app", 100));
        assertTrue(registry.markDone("app", 100, LIFESPAN));
        assertFalse(registry.markDone("app", 100, LIFESPAN));
    }

    /**
     * A node dies just after a check of step S ended there; a replay of S on the other node was sending its claim to
     * it, and the cluster store retries that claim as "absent, or holding the value being written": every claim holds
     * the same value, so the retry reports the step taken (seen in a soak). The done mark of the first check tells.
     */
    @Test
    void givenAStepWhoseCheckEnded_whenTheStoreReportsItTakenOnceMore_thenItIsAReplay() {
        assertTrue(registry.take("app", 100, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("app", 100, WINDOW));
        registry.markDone("app", 100, LIFESPAN);

        // what the retried putIfAbsent answered instead of false
        assertEquals(Claim.REPLAYED, registry.afterTaking("app", 100, WINDOW));
    }

    @Test
    void givenAnotherCredential_thenItsStepsAreItsOwn() {
        registry.take("phone", 101, LIFESPAN);

        assertTrue(registry.take("tablet", 100, LIFESPAN));
        assertEquals(Claim.CLAIMED, registry.afterTaking("tablet", 100, WINDOW));
    }
}

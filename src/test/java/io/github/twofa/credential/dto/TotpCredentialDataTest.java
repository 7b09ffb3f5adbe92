package io.github.twofa.credential.dto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** When a use of an app is worth a write, and what "last used" shows before the write. */
class TotpCredentialDataTest {

    private static final long MINUTE = 60_000;
    private static final long T = 1_765_000_000_000L;

    private static TotpCredentialData usedAt(Long lastUsedAt, List<Integer> offsets) {
        return new TotpCredentialData("SHA1", 6, 30, T - 86_400_000L, lastUsedAt, offsets);
    }

    @Test
    void givenAnAppNeverUsed_whenUsed_thenItsFirstUseIsWritten() {
        TotpCredentialData used = usedAt(null, List.of()).usedAt(T, 0).orElseThrow();

        assertEquals(T, used.lastUsedAt());
        assertEquals(List.of(), used.recentStepOffsets());
        assertEquals(T - 86_400_000L, used.verifiedAt(), "set-up time kept");
    }

    @Test
    void givenAUseWithinTheMinute_whenUsedAgainWithTheSameStep_thenNothingIsWorthAWrite() {
        assertTrue(usedAt(T, List.of()).usedAt(T + MINUTE - 1, 0).isEmpty());
        assertEquals(
                T + MINUTE,
                usedAt(T, List.of()).usedAt(T + MINUTE, 0).orElseThrow().lastUsedAt());
    }

    @Test
    void givenAUseWithinTheMinute_whenTheCodeMatchedANeighbouringStep_thenTheOffsetIsWritten() {
        TotpCredentialData used = usedAt(T, List.of()).usedAt(T + 1, -1).orElseThrow();

        assertEquals(List.of(-1), used.recentStepOffsets());
        assertEquals(T + 1, used.lastUsedAt());
    }

    @Test
    void givenAStoredUse_whenANodeHoldsALaterOneNotYetWritten_thenTheLaterOneIsShown() {
        TotpCredentialData stored = usedAt(T, List.of(1));

        assertEquals(T + 5, stored.lastUsedNoEarlierThan(T + 5).lastUsedAt());
        assertEquals(List.of(1), stored.lastUsedNoEarlierThan(T + 5).recentStepOffsets());
        assertSame(stored, stored.lastUsedNoEarlierThan(T - 5), "an older one changes nothing");
        assertEquals(T, usedAt(null, List.of()).lastUsedNoEarlierThan(T).lastUsedAt());
    }
}

package io.github.twofa.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** The benchmark's rounds put no kind of login at an advantage by its place in the round. */
class RoundOrderTest {

    private static final int KINDS = LoginKind.values().length;

    @Test
    void everyKindIsMeasuredOnceAtEachPlaceOverFourRounds() {
        for (int place = 0; place < KINDS; place++) {
            Set<LoginKind> atPlace = EnumSet.noneOf(LoginKind.class);
            for (int round = 1; round <= KINDS; round++) {
                atPlace.add(LoginBenchmark.turnsOf(round).get(place));
            }
            assertEquals(EnumSet.allOf(LoginKind.class), atPlace, "place " + place);
        }
    }

    @Test
    void everyKindFollowsEveryOtherOnceOverFourRounds() {
        Set<List<LoginKind>> pairs = new HashSet<>();
        int adjacent = 0;
        for (int round = 1; round <= KINDS; round++) {
            List<LoginKind> turns = LoginBenchmark.turnsOf(round);
            assertEquals(EnumSet.allOf(LoginKind.class), EnumSet.copyOf(turns), "round " + round);
            for (int place = 1; place < KINDS; place++) {
                pairs.add(List.of(turns.get(place - 1), turns.get(place)));
                adjacent++;
            }
        }
        assertEquals(KINDS * (KINDS - 1), adjacent);
        assertEquals(adjacent, pairs.size(), "an ordered pair of kinds came twice: " + pairs);
    }

    @Test
    void theFifthRoundStartsTheSquareAgain() {
        assertEquals(LoginBenchmark.turnsOf(1), LoginBenchmark.turnsOf(KINDS + 1));
    }
}

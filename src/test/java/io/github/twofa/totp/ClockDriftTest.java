package io.github.twofa.totp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

class ClockDriftTest {

    @Test
    void givenThreeCodesFromTheStepBefore_thenThePhoneIsAPeriodBehind() {
        List<Integer> recent = List.of();
        for (int i = 0; i < 3; i++) {
            recent = ClockDrift.record(recent, -1);
        }
        assertEquals(OptionalInt.of(-30), ClockDrift.seconds(recent, 30));
    }

    @Test
    void givenTwoCodesOnly_thenNothingIsReportedYet() {
        assertEquals(OptionalInt.empty(), ClockDrift.seconds(ClockDrift.record(List.of(1), 1), 30));
    }

    @Test
    void givenACodeOfTheCurrentStep_thenTheDriftIsCleared() {
        List<Integer> drifting = List.of(1, 1, 1);
        assertEquals(OptionalInt.of(60), ClockDrift.seconds(drifting, 60));
        List<Integer> after = ClockDrift.record(drifting, 0);
        assertEquals(List.of(1, 1, 0), after, "the oldest dropped, three kept");
        assertEquals(OptionalInt.empty(), ClockDrift.seconds(after, 60));
    }

    @Test
    void givenMixedNeighbours_thenNothingIsReported() {
        assertEquals(OptionalInt.empty(), ClockDrift.seconds(List.of(-1, 1, -1), 30));
        assertEquals(OptionalInt.empty(), ClockDrift.seconds(List.of(0, 0, 0), 30));
        assertEquals(OptionalInt.empty(), ClockDrift.seconds(null, 30));
    }

    @Test
    void givenOnlyCodesOfTheCurrentStep_thenNothingChanges_andAStepAsideIsStillRecorded() {
        assertEquals(List.of(), ClockDrift.record(List.of(), 0), "no drift stays no drift, with nothing to write");
        assertEquals(List.of(0, 0), ClockDrift.record(List.of(0, 0), 0));
        List<Integer> behind = ClockDrift.record(List.of(), -1);
        assertEquals(List.of(-1), behind);
        assertEquals(List.of(-1, 0), ClockDrift.record(behind, 0), "a recovery is recorded");
    }
}

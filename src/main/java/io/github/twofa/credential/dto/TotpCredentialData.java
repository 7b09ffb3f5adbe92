package io.github.twofa.credential.dto;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import io.github.twofa.totp.ClockDrift;

/**
 * The non-secret part of a TOTP credential: how codes are computed, when possession was proven, when a code of it
 * last signed in, and which time step its recent codes matched.
 *
 * @param verifiedAt epoch milliseconds of the first correct code, when the app was set up
 * @param lastUsedAt epoch milliseconds of the last accepted code (to the minute), or null if none since set-up
 * @param recentStepOffsets the steps the last accepted codes matched, relative to the server's (-1, 0, +1; oldest
 *     first, see {@link io.github.twofa.totp.ClockDrift}); empty if none recorded (also when stored before they were)
 */
public record TotpCredentialData(
        String algorithm, int digits, int period, long verifiedAt, Long lastUsedAt, List<Integer> recentStepOffsets) {

    public TotpCredentialData {
        // Compared at every login to tell whether the offsets changed: none stored and none recorded are the same.
        recentStepOffsets = recentStepOffsets == null ? List.of() : List.copyOf(recentStepOffsets);
    }

    public TotpCredentialData(String algorithm, int digits, int period, long verifiedAt) {
        this(algorithm, digits, period, verifiedAt, null, null);
    }

    /**
     * The same app used at {@code epochMillis} by a code of the step {@code stepOffset} away from the server's; empty
     * when nothing changed that is worth a write: "last used" is kept to the minute, and the offsets change only while
     * a clock drifts or recovers, so most logins need no write.
     */
    public Optional<TotpCredentialData> usedAt(long epochMillis, int stepOffset) {
        List<Integer> offsets = ClockDrift.record(recentStepOffsets, stepOffset);
        if (lastUsedAt != null && epochMillis - lastUsedAt < 60_000 && offsets.equals(recentStepOffsets)) {
            return Optional.empty();
        }
        return Optional.of(new TotpCredentialData(algorithm, digits, period, verifiedAt, epochMillis, offsets));
    }

    /** How far the app's clock seems off, in seconds (negative: behind), when its recent codes agree on it. */
    public OptionalInt clockDriftSeconds() {
        return ClockDrift.seconds(recentStepOffsets, period);
    }

    /** The same with "last used" at {@code epochMillis} if that is later than the one held. */
    public TotpCredentialData lastUsedNoEarlierThan(long epochMillis) {
        return lastUsedAt != null && lastUsedAt >= epochMillis
                ? this
                : new TotpCredentialData(algorithm, digits, period, verifiedAt, epochMillis, recentStepOffsets);
    }
}

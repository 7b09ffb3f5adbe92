package io.github.twofa.security;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Remembers accepted TOTP time steps cluster-wide in Keycloak's single-use object store, so a code works once:
 * a step is refused when it, or any later step still inside the window, was already accepted for that credential.
 * {@code putIfAbsent} is atomic across the cluster, so two requests racing with the same code cannot both pass.
 */
public final class UsedStepRegistry {

    private final SingleUseObjectProvider store;

    public UsedStepRegistry(SingleUseObjectProvider store) {
        this.store = store;
    }

    /**
     * @param lastAcceptableStep the newest step that could still match now (current step + window)
     * @param lifespanSeconds    how long a step must be remembered: until it can no longer match
     * @return true if this call claimed {@code step}; false if it, or a later step, was used before
     */
    public boolean claim(String credentialId, long step, long lastAcceptableStep, long lifespanSeconds) {
        for (long later = step + 1; later <= lastAcceptableStep; later++) {
            if (store.contains(key(credentialId, later))) {
                return false;
            }
        }
        return store.putIfAbsent(key(credentialId, step), lifespanSeconds);
    }

    /** A step can match for (2 x window + 1) periods; one more period covers clock differences between nodes. */
    public static long lifespanSeconds(io.github.twofa.totp.TotpParameters parameters) {
        return (long) parameters.period() * (2L * io.github.twofa.totp.TotpVerifier.WINDOW + 2);
    }

    private static String key(String credentialId, long step) {
        return "twofa-totp-step:" + credentialId + ":" + step;
    }
}

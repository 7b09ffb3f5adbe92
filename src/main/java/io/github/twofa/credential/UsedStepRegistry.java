package io.github.twofa.credential;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Remembers accepted TOTP time steps cluster-wide in Keycloak's single-use object store, so a code works once:
 * a step is refused when it, or any later step still inside the window, was already accepted for that credential.
 * <p>
 * The store offers no compare-and-set, and looking at the later steps then claiming one's own are separate calls, so
 * the caller holds the credential's {@link #lockKey claim lock} (atomic across the cluster) until its request has
 * ended: of codes for steps S and S+1 sent while one of them is being checked, the other is answered "busy", never
 * both accepted.
 */
public final class UsedStepRegistry {

    /** What became of a claim. */
    public enum Claim {
        CLAIMED,
        REPLAYED,
        BUSY
    }

    private final SingleUseObjectProvider store;

    public UsedStepRegistry(SingleUseObjectProvider store) {
        this.store = store;
    }

    /** The lock a caller must hold around {@link #claim} for the credential. */
    public static String lockKey(String credentialId) {
        return "twofa-totp-claiming:" + credentialId;
    }

    /**
     * Claims {@code step}; the caller holds {@link #lockKey}.
     *
     * @param lastAcceptableStep the newest step that could still match now (current step + window)
     * @param lifespanSeconds    how long a step must be remembered: until it can no longer match
     * @return CLAIMED if this call claimed {@code step}; REPLAYED if it, or a later step, was used before
     */
    public Claim claim(String credentialId, long step, long lastAcceptableStep, long lifespanSeconds) {
        for (long later = step + 1; later <= lastAcceptableStep; later++) {
            if (store.contains(key(credentialId, later))) {
                return Claim.REPLAYED;
            }
        }
        return store.putIfAbsent(key(credentialId, step), lifespanSeconds) ? Claim.CLAIMED : Claim.REPLAYED;
    }

    /**
     * A step can match for (2 x window + 1) periods; one more period covers clock differences between nodes.
     *
     * @param periodSeconds the length of a time step
     * @param window        how many steps either side of the current one match
     */
    public static long lifespanSeconds(int periodSeconds, int window) {
        return (long) periodSeconds * (2L * window + 2);
    }

    private static String key(String credentialId, long step) {
        return "twofa-totp-step:" + credentialId + ":" + step;
    }
}

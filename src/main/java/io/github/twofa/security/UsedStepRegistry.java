package io.github.twofa.security;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Remembers accepted TOTP time steps cluster-wide in Keycloak's single-use object store, so a code works once:
 * a step is refused when it, or any later step still inside the window, was already accepted for that credential.
 * <p>
 * The store offers no compare-and-set, and looking at the later steps then claiming one's own are separate calls, so
 * a claim holds the credential's claim lock ({@code putIfAbsent}, atomic across the cluster) throughout: of codes
 * for steps S and S+1 sent at once, one is checked and the other is answered "busy", never both accepted. The lock
 * is held for a few store calls only, never across a PBKDF2 or a page.
 */
public final class UsedStepRegistry {

    /** What became of a claim. */
    public enum Claim { CLAIMED, REPLAYED, BUSY }

    /** Bounds a lock whose holder died between taking and releasing it. */
    private static final long LOCK_SECONDS = 5;

    private final SingleUseObjectProvider store;

    public UsedStepRegistry(SingleUseObjectProvider store) {
        this.store = store;
    }

    /**
     * @param lastAcceptableStep the newest step that could still match now (current step + window)
     * @param lifespanSeconds    how long a step must be remembered: until it can no longer match
     * @return CLAIMED if this call claimed {@code step}; REPLAYED if it, or a later step, was used before; BUSY if
     *         another claim for the credential is under way this instant
     */
    public Claim claim(String credentialId, long step, long lastAcceptableStep, long lifespanSeconds) {
        String lock = "twofa-totp-claiming:" + credentialId;
        if (!store.putIfAbsent(lock, LOCK_SECONDS)) {
            return Claim.BUSY;
        }
        try {
            for (long later = step + 1; later <= lastAcceptableStep; later++) {
                if (store.contains(key(credentialId, later))) {
                    return Claim.REPLAYED;
                }
            }
            return store.putIfAbsent(key(credentialId, step), lifespanSeconds) ? Claim.CLAIMED : Claim.REPLAYED;
        } finally {
            store.remove(lock);
        }
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

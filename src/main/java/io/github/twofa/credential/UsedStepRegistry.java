package io.github.twofa.credential;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Remembers accepted TOTP time steps cluster-wide in Keycloak's single-use object store, so a code works once:
 * a step is refused when it, or any later step still inside the window, was already claimed for that credential.
 * <p>
 * The store offers no compare-and-set, so a check first claims its own step ({@code putIfAbsent}, atomic across the
 * cluster) and only then reads its neighbours (local reads): a later step claimed means a replay; an earlier step
 * claimed by a check whose request has not ended (no "done" mark yet, see {@link #markDone}) means another check is
 * under way, and the answer is "try again". Of two checks of steps S and S+1 that overlap, at least one reads after
 * the other's claim, so they are never both accepted. Two store writes per check (the claim, and its done mark as the
 * request ends) where a claim lock taken and let go around the claim made three, each a round trip to the other
 * nodes of a cluster.
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

    /**
     * A lock for what must not happen twice at once for a credential beyond its claims (making a built-in
     * credential ours); the claims themselves need none.
     */
    public static String lockKey(String credentialId) {
        return "twofa-totp-claiming:" + credentialId;
    }

    /**
     * Claims {@code step}'s key; false if another check has it (the same code, used or being used). Whoever gets it
     * must {@link #markDone} it when its request ends, whatever the outcome.
     */
    public boolean take(String credentialId, long step, long lifespanSeconds) {
        return store.putIfAbsent(key(credentialId, step), lifespanSeconds);
    }

    /**
     * What the taken {@code step} amounts to, by its neighbours within the window.
     *
     * @param firstAcceptableStep the oldest step that could still match now (current step - window)
     * @param lastAcceptableStep  the newest step that could still match now (current step + window)
     * @return REPLAYED if a later step was claimed; BUSY if an earlier one was claimed by a check still under way;
     *     else CLAIMED
     */
    public Claim afterTaking(String credentialId, long step, long firstAcceptableStep, long lastAcceptableStep) {
        for (long later = step + 1; later <= lastAcceptableStep; later++) {
            if (store.contains(key(credentialId, later))) {
                return Claim.REPLAYED;
            }
        }
        for (long earlier = firstAcceptableStep; earlier < step; earlier++) {
            if (store.contains(key(credentialId, earlier)) && !store.contains(doneKey(credentialId, earlier))) {
                return Claim.BUSY;
            }
        }
        return Claim.CLAIMED;
    }

    /**
     * Marks a taken step's check as over (its request has ended): later steps no longer wait for it. A check whose
     * node died before this leaves its step unmarked; later steps of the credential are then "busy" until the claim
     * expires ({@link #lifespanSeconds}).
     */
    public void markDone(String credentialId, long step, long lifespanSeconds) {
        store.putIfAbsent(doneKey(credentialId, step), lifespanSeconds);
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

    private static String doneKey(String credentialId, long step) {
        return "twofa-totp-step-done:" + credentialId + ":" + step;
    }
}

package io.github.twofa.credential;

import org.keycloak.models.SingleUseObjectProvider;

/**
 * Remembers accepted TOTP time steps cluster-wide in Keycloak's single-use object store, so a code works once:
 * a step is refused when it, or any later step within reach, was already claimed for that credential.
 * <p>
 * The store offers no compare-and-set, so a check first claims its own step ({@code putIfAbsent}, atomic across the
 * cluster) and only then reads its neighbours (local reads): a later step claimed means a replay; an earlier step
 * claimed by a check whose request has not ended (no "done" mark yet, see {@link #markDone}) means another check is
 * under way, and the answer is "try again", with the step given back. Of two checks of steps S and S+1 that
 * overlap, at least one reads after the other's claim, so they are never both accepted. The neighbours looked at
 * are counted from the step, not from the checking node's clock: two requests either side of a step boundary, or
 * on nodes whose clocks differ, still see each other. Two store writes per accepted check, each a round trip to the
 * other nodes of a cluster: the claim, on the check's path, and its done mark, written just after the request ends
 * (where a claim lock taken and let go around the claim made three, all on the path).
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
     * Claims {@code step}'s key; false if another check has it (the same code, used or being used, see
     * {@link #isDone}). Whoever keeps it must {@link #markDone} it when its request ends, whatever the outcome.
     */
    public boolean take(String credentialId, long step, long lifespanSeconds) {
        return store.putIfAbsent(key(credentialId, step), lifespanSeconds);
    }

    /** Whether the check that claimed {@code step} is over (its request has ended). */
    public boolean isDone(String credentialId, long step) {
        return store.contains(doneKey(credentialId, step));
    }

    /**
     * What the taken {@code step} amounts to, by its neighbours: every step a code checked at the same time could
     * have, up to two windows either side (a request at the end of a step and one at the start of the next, or on
     * a node whose clock runs a little ahead, may each accept a step the other cannot).
     *
     * @param window how many steps either side of the current one a code may match
     * @return REPLAYED if a later step was claimed, or this one by a check that is over; BUSY if an earlier one was
     *     claimed by a check still under way
     *     (then {@link #giveBack} the step); else CLAIMED
     */
    public Claim afterTaking(String credentialId, long step, int window) {
        // A taken step already marked done was another check's, over before this one: the store can report a take
        // as won when its node lost a peer mid-write and retried (Infinispan retries putIfAbsent as "absent, or
        // holding the value being written", ISPN-3422, and every claim holds the same empty value).
        if (isDone(credentialId, step)) {
            return Claim.REPLAYED;
        }
        for (long later = step + 1; later <= step + 2L * window; later++) {
            if (store.contains(key(credentialId, later))) {
                return Claim.REPLAYED;
            }
        }
        for (long earlier = step - 2L * window; earlier < step; earlier++) {
            if (store.contains(key(credentialId, earlier)) && !isDone(credentialId, earlier)) {
                return Claim.BUSY;
            }
        }
        return Claim.CLAIMED;
    }

    /** Gives a taken step back, unused: the same code may be tried again once the other check is over. */
    public void giveBack(String credentialId, long step) {
        store.remove(key(credentialId, step));
    }

    /**
     * Marks a kept step's check as over (its request has ended): later steps no longer wait for it. A check whose
     * node died before this leaves its step unmarked; the credential's next steps are then "busy" until they are
     * two windows past it.
     *
     * @return false if the mark was there already, which only a second call for one claim could cause
     */
    public boolean markDone(String credentialId, long step, long lifespanSeconds) {
        return store.putIfAbsent(doneKey(credentialId, step), lifespanSeconds);
    }

    /**
     * A step can be looked at for (4 x window + 1) periods (two windows either side, see {@link #afterTaking}); its
     * claim lives a period longer, which covers clock differences between nodes.
     *
     * @param periodSeconds the length of a time step
     * @param window        how many steps either side of the current one match
     */
    public static long lifespanSeconds(int periodSeconds, int window) {
        return (long) periodSeconds * (4L * window + 2);
    }

    private static String key(String credentialId, long step) {
        return "twofa-totp-step:" + credentialId + ":" + step;
    }

    private static String doneKey(String credentialId, long step) {
        return "twofa-totp-step-done:" + credentialId + ":" + step;
    }
}

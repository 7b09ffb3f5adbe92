package io.github.twofa.attemptlimit;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The extension's own limit on wrong second factors, per user, on whether or not the realm enables Keycloak's
 * brute-force detection. Kept in Keycloak's single-use store, so every cluster node counts the same failures.
 * <p>
 * Failures are {@code maxFailures} numbered slots (claimed with {@code putIfAbsent}, atomic across the cluster) that
 * live for the failure window. However many requests an attacker sends at once, no more than {@code maxFailures}
 * guesses are answered per window: a wrong code is answered only once it holds a slot ({@link Attempt#holdSlot}),
 * and a right one is let in only if fewer than {@code maxFailures} slots are held and there is no lockout at that
 * moment ({@link Attempt#allowsSuccess}); every wrong answer before it held a slot, so it is never the guess after
 * the last one allowed. A check thus looks at the code before it holds anything, and a right code costs the limit
 * no store write (where holding a slot first cost two, each a round trip to the other nodes of a cluster). A check
 * may still hold its slot first ({@link Attempt#holdSlot} before looking), which the REST API's password checks do.
 * <p>
 * The store's {@code putIfAbsent}, {@code remove} and {@code contains} act at once, but its {@code put} only when the
 * request's transaction commits. So the lock itself is a {@code putIfAbsent} entry that lives as long as the
 * lockout, seen by every node before the slots are freed; its end time, written with {@code put}, only tells how long
 * is left.
 * <p>
 * Most users have nothing in the store at all, and one read of a mark tells so: every slot, lockout and lock is
 * written only after the user's mark for each period it may be read in (see {@link #markSomethingRecorded}), so a check
 * that finds no mark reads no slot and no lockout count. The lock itself is read whatever the mark says. An app-code
 * login reads the store four times for the limit instead of fourteen. Entries written without marks (by a node of a
 * version before them, or under another mark period: the window or the longest lockout changed) are then seen only
 * if they are the lock: up to {@code maxFailures - 1} failures and the lockout count are forgotten once, at the
 * upgrade or the change.
 */
public final class AttemptLimiter {

    private static final System.Logger LOG = System.getLogger(AttemptLimiter.class.getName());
    private static final long LOCKOUT_MEMORY_SECONDS = 86_400;
    private static final int MAX_LOCKOUTS_COUNTED = 32;
    /** How far apart the clocks of any two cluster nodes may be, for the marks. */
    private static final long CLOCK_SKEW_SECONDS = 600;

    private final AttemptStore store;
    private final AttemptPolicy policy;
    /** Now, in epoch seconds. */
    private final LongSupplier clock;
    /** Empty for the login budget; a budget of its own (e.g. one user session's API calls) has its own prefix. */
    private final String budget;

    public AttemptLimiter(AttemptStore store, AttemptPolicy policy, LongSupplier clock) {
        this(store, policy, clock, "");
    }

    private AttemptLimiter(AttemptStore store, AttemptPolicy policy, LongSupplier clock, String budget) {
        this.store = store;
        this.policy = policy;
        this.clock = clock;
        this.budget = budget;
    }

    /**
     * The same limit over a separate count, named by {@code budgetId} (e.g. a user session): its failures and lockouts
     * never touch the login budget, so whoever holds one session cannot lock the user out of logging in.
     */
    public AttemptLimiter separateBudget(String budgetId) {
        return new AttemptLimiter(store, policy, clock, budget + budgetId + "/");
    }

    /** Seconds until the user may try again, or empty if not locked out. */
    public OptionalLong lockedForSeconds(String realmId, String userId) {
        // Read even without a mark: a lock written by a node before marks existed, or under another mark period (the
        // window or the longest lockout changed since), still holds.
        if (!store.contains(lockKey(realmId, userId))) {
            return OptionalLong.empty();
        }
        Map<String, String> end = store.get(lockEndKey(realmId, userId));
        long left = end == null || end.get("until") == null ? 0 : Long.parseLong(end.get("until")) - clock.getAsLong();
        // No end time yet (the lockout's request has not committed, or rolled back), or an earlier lockout's:
        // the length of the latest lockout is the most that can be left.
        return OptionalLong.of(left > 0 ? left : policy.lockoutSeconds(Math.max(1, nextLockout(realmId, userId) - 1)));
    }

    /**
     * Opens a check of one second factor (or password), reading only: empty when the user is locked out or every
     * slot is held by recent failures and checks still running; the caller must then refuse without checking
     * anything.
     */
    public Optional<Attempt> begin(String realmId, String userId) {
        if (lockedForSeconds(realmId, userId).isPresent()) {
            return Optional.empty();
        }
        if (!somethingRecorded(realmId, userId)) {
            return Optional.of(new Attempt(realmId, userId, 1));
        }
        if (heldSlots(realmId, userId) >= policy.maxFailures()) {
            return Optional.empty();
        }
        return Optional.of(new Attempt(realmId, userId, nextLockout(realmId, userId)));
    }

    /** How long a user {@link #begin} refused must wait: the lockout, or else the failure window. */
    public long secondsToWait(String realmId, String userId) {
        return lockedForSeconds(realmId, userId).orElse(policy.windowSeconds());
    }

    /** One check in progress; it holds a slot once {@link #holdSlot} took one. */
    public final class Attempt {

        private final String realmId;
        private final String userId;
        /** The number the next lockout gets, as it was when this check began. */
        private final int lockout;
        /** The slot held, or 0. */
        private int slot;
        /** Whether {@link #allowsSuccess} said yes. */
        private boolean admitted;
        /** Whether {@link #allowsSuccess} found no slot held (or nothing of the user recorded at all). */
        private boolean noFailureAtAdmission;

        private Attempt(String realmId, String userId, int lockout) {
            this.realmId = realmId;
            this.userId = userId;
            this.lockout = lockout;
        }

        /**
         * Takes a slot, unless one is held already: before an expensive check, and for a wrong code before it is
         * answered. False, holding nothing, when every slot is held or a lockout began; the caller must then refuse
         * as {@link #begin} does, whatever the code was.
         */
        public boolean holdSlot() {
            if (slot == 0) {
                markSomethingRecorded(realmId, userId);
            }
            for (int n = 1; slot == 0 && n <= policy.maxFailures(); n++) {
                if (store.putIfAbsent(failureKey(realmId, userId, n), policy.windowSeconds())) {
                    // Checked after claiming, not before: a lockout frees the slots after taking the lock, so one
                    // claimed after that sees the lock here.
                    if (lockedForSeconds(realmId, userId).isPresent()) {
                        store.remove(failureKey(realmId, userId, n));
                        return false;
                    }
                    slot = n;
                }
            }
            return slot != 0;
        }

        /**
         * Whether a right code may be let in, asked before it is: true when this check holds a slot, or when the user
         * has nothing recorded at all, else when fewer than {@code maxFailures} slots are held and then no lock is
         * there (a lockout takes the lock before it frees the slots, so one of the two reads sees it). A yes is
         * remembered. False means: refuse as {@link #begin} does.
         */
        public boolean allowsSuccess() {
            if (admitted()) {
                return true;
            }
            if (!somethingRecorded(realmId, userId)) {
                admitted = true;
                noFailureAtAdmission = true;
                return true;
            }
            int held = heldSlots(realmId, userId);
            admitted = held < policy.maxFailures() && !store.contains(lockKey(realmId, userId));
            noFailureAtAdmission = held == 0;
            return admitted;
        }

        /** Whether a right code of this check may be accepted without asking again: it holds a slot, or was allowed. */
        public boolean admitted() {
            return slot != 0 || admitted;
        }

        /**
         * A right code: the failures and the growing lockout are forgotten. The reads that admitted it are where it
         * stands among the user's attempts: a failure they did not see came after it and stays counted. So a code
         * admitted with no failure held, by a check begun with no lockout recorded, has nothing to forget, and is
         * spared reading every slot and the lockout count again (six reads of the store on every login).
         */
        public void succeeded() {
            if (slot != 0 || !noFailureAtAdmission) {
                clearFailures(realmId, userId);
            }
            if (slot != 0 || lockout > 1) {
                forgetLockouts(realmId, userId);
            }
        }

        /**
         * A wrong code keeps its slot (which it must hold, see {@link #holdSlot}); returns the lockout length if this
         * failure took the last slot and started the lockout. Of several checks failing at once, all of which began
         * before the lockout, only the one that claims the lockout's number starts it, so a burst of wrong codes is
         * one lockout, not one per code.
         */
        public OptionalLong failed() {
            if (slot == 0) {
                throw new IllegalStateException("a failure is counted in the slot its check holds");
            }
            int held = heldSlots(realmId, userId);
            LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "User " + userId + ": wrong second factor, " + held + " of " + policy.maxFailures()
                            + " allowed");
            if (held < policy.maxFailures()) {
                return OptionalLong.empty();
            }
            // The lockout's entries (its number, then the lock) are recorded under the marks made here.
            markSomethingRecorded(realmId, userId);
            boolean counted = lockout > MAX_LOCKOUTS_COUNTED
                    || store.putIfAbsent(lockoutKey(realmId, userId, lockout), LOCKOUT_MEMORY_SECONDS);
            return counted
                    ? OptionalLong.of(lockOut(realmId, userId, Math.min(lockout, MAX_LOCKOUTS_COUNTED)))
                    : OptionalLong.empty();
        }

        /** Input that cannot be a code guessed nothing: the slot, if one was held, is free again. */
        public void withdrawn() {
            if (slot != 0) {
                store.remove(failureKey(realmId, userId, slot));
                slot = 0;
            }
        }
    }

    /**
     * Whether the user's mark for this period is there: if not, no slot, lockout or lock of theirs is (in this
     * limiter's budget).
     */
    private boolean somethingRecorded(String realmId, String userId) {
        return store.contains(markKey(realmId, userId, Math.floorDiv(clock.getAsLong(), markPeriodSeconds())));
    }

    /**
     * Before a slot, a lockout or the lock is written: the user's mark for every period in which that entry could be
     * read, by any node whose clock is off from this one's by up to {@link #CLOCK_SKEW_SECONDS}. No entry lives longer
     * than a period, so that is two periods, three near a period's start or end. A mark lives to its period's end on
     * every clock, not
     * for a fixed time: one made a period ahead and found here would otherwise end before an entry written now. A mark
     * already there is not written again (a read, where a write is a round trip to the other nodes).
     */
    private void markSomethingRecorded(String realmId, String userId) {
        long period = markPeriodSeconds();
        long now = clock.getAsLong();
        long last = Math.floorDiv(now + period + CLOCK_SKEW_SECONDS, period);
        for (long n = Math.floorDiv(now - CLOCK_SKEW_SECONDS, period); n <= last; n++) {
            String key = markKey(realmId, userId, n);
            if (!store.contains(key)) {
                store.putIfAbsent(key, (n + 1) * period + 2 * CLOCK_SKEW_SECONDS - now);
            }
        }
    }

    /** At least as long as a failure, a lockout's memory and the longest lockout live. */
    private long markPeriodSeconds() {
        return Math.max(LOCKOUT_MEMORY_SECONDS, Math.max(policy.windowSeconds(), policy.maxLockoutSeconds()));
    }

    private int heldSlots(String realmId, String userId) {
        int held = 0;
        for (int n = 1; n <= policy.maxFailures(); n++) {
            if (store.contains(failureKey(realmId, userId, n))) {
                held++;
            }
        }
        return held;
    }

    /** Ends any lockout and forgets all failures, e.g. when an admin resets the user's 2FA. */
    public void clear(String realmId, String userId) {
        store.remove(lockKey(realmId, userId));
        store.remove(lockEndKey(realmId, userId));
        clearFailures(realmId, userId);
        forgetLockouts(realmId, userId);
    }

    /** The first lockout number not yet recorded today; past the last one counted, the lockouts stay at its length. */
    private int nextLockout(String realmId, String userId) {
        int n = 1;
        while (n <= MAX_LOCKOUTS_COUNTED && store.contains(lockoutKey(realmId, userId, n))) {
            n++;
        }
        return n;
    }

    private void forgetLockouts(String realmId, String userId) {
        if (store.contains(lockoutKey(realmId, userId, 1))) {
            for (int n = 1; n <= MAX_LOCKOUTS_COUNTED; n++) {
                store.remove(lockoutKey(realmId, userId, n));
            }
        }
    }

    private long lockOut(String realmId, String userId, int n) {
        long seconds = policy.lockoutSeconds(n);
        String lock = lockKey(realmId, userId);
        if (!store.putIfAbsent(lock, seconds)) {
            // A lock still there (only past the last lockout counted): this one's length replaces it.
            store.remove(lock);
            store.putIfAbsent(lock, seconds);
        }
        store.put(lockEndKey(realmId, userId), seconds, Map.of("until", String.valueOf(clock.getAsLong() + seconds)));
        LOG.log(
                System.Logger.Level.DEBUG,
                () -> "User " + userId + " locked out for " + seconds + " seconds (lockout " + n + " in a row)");
        clearFailures(realmId, userId);
        return seconds;
    }

    private void clearFailures(String realmId, String userId) {
        for (int slot = 1; slot <= policy.maxFailures(); slot++) {
            String key = failureKey(realmId, userId, slot);
            // In a cluster, removing a key that is not there still costs a locked write on its owners; reads are
            // cheaper, so a login with no failures before it costs reads here instead of five writes.
            if (store.contains(key)) {
                store.remove(key);
            }
        }
    }

    private String failureKey(String realmId, String userId, int slot) {
        return "twofa-failure:" + budget + realmId + ":" + userId + ":" + slot;
    }

    private String lockoutKey(String realmId, String userId, int n) {
        return "twofa-lockout:" + budget + realmId + ":" + userId + ":" + n;
    }

    private String markKey(String realmId, String userId, long period) {
        return "twofa-attempts-recorded:" + budget + realmId + ":" + userId + ":" + period;
    }

    private String lockKey(String realmId, String userId) {
        return "twofa-locked:" + budget + realmId + ":" + userId;
    }

    private String lockEndKey(String realmId, String userId) {
        return "twofa-locked-until:" + budget + realmId + ":" + userId;
    }
}

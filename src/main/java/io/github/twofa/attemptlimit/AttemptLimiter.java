package io.github.twofa.attemptlimit;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The extension's own limit on wrong second factors, per user, on whether or not the realm enables Keycloak's
 * brute-force detection. Kept in Keycloak's single-use store, so every cluster node counts the same failures.
 * <p>
 * A check holds one of {@code maxFailures} numbered slots (claimed with {@code putIfAbsent}, atomic across the
 * cluster) from before the code is looked at until the outcome is known: a wrong code keeps its slot for the failure
 * window, a right one clears them all, input that cannot be a code gives its slot back. So however many requests an
 * attacker sends at once, at most {@code maxFailures} codes are ever checked per window.
 * <p>
 * The store's {@code putIfAbsent}, {@code remove} and {@code contains} act at once, but its {@code put} only when the
 * request's transaction commits. So the lock itself is a {@code putIfAbsent} entry that lives as long as the
 * lockout, seen by every node before the slots are freed; its end time, written with {@code put}, only tells how long
 * is left.
 */
public final class AttemptLimiter {

    private static final System.Logger LOG = System.getLogger(AttemptLimiter.class.getName());
    private static final long LOCKOUT_MEMORY_SECONDS = 86_400;
    private static final int MAX_LOCKOUTS_COUNTED = 32;

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
     * Starts a check of one second factor (or password): empty when the user is locked out or every slot is taken
     * by recent failures and checks still running; the caller must then refuse without checking anything.
     */
    public Optional<Attempt> begin(String realmId, String userId) {
        for (int slot = 1; slot <= policy.maxFailures(); slot++) {
            if (store.putIfAbsent(failureKey(realmId, userId, slot), policy.windowSeconds())) {
                // Checked after claiming, not before: a lockout frees the slots after taking the lock, so one
                // claimed after that sees the lock here. Callers have usually looked at the lock already.
                if (lockedForSeconds(realmId, userId).isPresent()) {
                    store.remove(failureKey(realmId, userId, slot));
                    return Optional.empty();
                }
                return Optional.of(new Attempt(realmId, userId, slot, nextLockout(realmId, userId)));
            }
        }
        return Optional.empty();
    }

    /** How long a user {@link #begin} refused must wait: the lockout, or else the failure window. */
    public long secondsToWait(String realmId, String userId) {
        return lockedForSeconds(realmId, userId).orElse(policy.windowSeconds());
    }

    /** One check in progress, holding its slot. */
    public final class Attempt {

        private final String realmId;
        private final String userId;
        private final int slot;
        /** The number the next lockout gets, as it was when this check began. */
        private final int lockout;

        private Attempt(String realmId, String userId, int slot, int lockout) {
            this.realmId = realmId;
            this.userId = userId;
            this.slot = slot;
            this.lockout = lockout;
        }

        /** A right code: the failures and the growing lockout are forgotten. */
        public void succeeded() {
            clearFailures(realmId, userId);
            forgetLockouts(realmId, userId);
        }

        /**
         * A wrong code keeps its slot; returns the lockout length if this failure took the last slot and started
         * the lockout. Of several checks failing at once, all of which began before the lockout, only the one that
         * claims the lockout's number starts it, so a burst of wrong codes is one lockout, not one per code.
         */
        public OptionalLong failed() {
            int held = 0;
            for (int n = 1; n <= policy.maxFailures(); n++) {
                if (store.contains(failureKey(realmId, userId, n))) {
                    held++;
                }
            }
            int failures = held;
            LOG.log(
                    System.Logger.Level.DEBUG,
                    () -> "User " + userId + ": wrong second factor, " + failures + " of " + policy.maxFailures()
                            + " allowed");
            if (held < policy.maxFailures()) {
                return OptionalLong.empty();
            }
            boolean counted = lockout > MAX_LOCKOUTS_COUNTED
                    || store.putIfAbsent(lockoutKey(realmId, userId, lockout), LOCKOUT_MEMORY_SECONDS);
            return counted
                    ? OptionalLong.of(lockOut(realmId, userId, Math.min(lockout, MAX_LOCKOUTS_COUNTED)))
                    : OptionalLong.empty();
        }

        /** Input that cannot be a code guessed nothing: the slot is free again. */
        public void withdrawn() {
            store.remove(failureKey(realmId, userId, slot));
        }
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

    private String lockKey(String realmId, String userId) {
        return "twofa-locked:" + budget + realmId + ":" + userId;
    }

    private String lockEndKey(String realmId, String userId) {
        return "twofa-locked-until:" + budget + realmId + ":" + userId;
    }
}

package io.github.twofa.security;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * The extension's own limit on wrong second factors, per user, on whether or not the realm enables Keycloak's
 * brute-force detection. Kept in Keycloak's single-use store, so every cluster node counts the same failures.
 * <p>
 * A check holds one of {@code maxFailures} numbered slots (claimed with {@code putIfAbsent}, atomic across the
 * cluster) from before the code is looked at until the outcome is known: a wrong code keeps its slot for the failure
 * window, a right one clears them all, input that cannot be a code gives its slot back. So however many requests an
 * attacker sends at once, at most {@code maxFailures} codes are ever checked per window.
 */
public final class AttemptLimiter {

    private static final Logger LOG = Logger.getLogger(AttemptLimiter.class);
    private static final long LOCKOUT_MEMORY_SECONDS = 86_400;
    private static final int MAX_LOCKOUTS_COUNTED = 32;

    private final SingleUseObjectProvider store;
    private final AttemptPolicy policy;

    public AttemptLimiter(SingleUseObjectProvider store, AttemptPolicy policy) {
        this.store = store;
        this.policy = policy;
    }

    /** Seconds until the user may try again, or empty if not locked out. */
    public OptionalLong lockedForSeconds(String realmId, String userId) {
        Map<String, String> lock = store.get(lockKey(realmId, userId));
        if (lock == null) {
            return OptionalLong.empty();
        }
        long left = Long.parseLong(lock.get("until")) - Time.currentTime();
        return left > 0 ? OptionalLong.of(left) : OptionalLong.empty();
    }

    /**
     * Starts a check of one second factor (or password): empty when the user is locked out or every slot is taken
     * by recent failures and checks still running; the caller must then refuse without checking anything.
     */
    public Optional<Attempt> begin(String realmId, String userId) {
        for (int slot = 1; slot <= policy.maxFailures(); slot++) {
            if (store.putIfAbsent(failureKey(realmId, userId, slot), policy.windowSeconds())) {
                // Checked after claiming, not before: a lockout frees the slots (lock first, then slots), so one
                // that began meanwhile is seen here. Callers have usually looked at the lock already.
                if (lockedForSeconds(realmId, userId).isPresent()) {
                    store.remove(failureKey(realmId, userId, slot));
                    return Optional.empty();
                }
                return Optional.of(new Attempt(realmId, userId, slot));
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

        private Attempt(String realmId, String userId, int slot) {
            this.realmId = realmId;
            this.userId = userId;
            this.slot = slot;
        }

        /** A right code: the failures and the growing lockout are forgotten. */
        public void succeeded() {
            clearFailures(realmId, userId);
            forgetLockouts(realmId, userId);
        }

        /** A wrong code keeps its slot; returns the lockout length if this failure filled the last slot. */
        public OptionalLong failed() {
            int held = 0;
            for (int n = 1; n <= policy.maxFailures(); n++) {
                if (store.contains(failureKey(realmId, userId, n))) {
                    held++;
                }
            }
            LOG.debugf("User %s: wrong second factor, %d of %d allowed", userId, held, policy.maxFailures());
            return held < policy.maxFailures() ? OptionalLong.empty() : OptionalLong.of(lockOut(realmId, userId));
        }

        /** Input that cannot be a code guessed nothing: the slot is free again. */
        public void withdrawn() {
            store.remove(failureKey(realmId, userId, slot));
        }
    }

    /** Ends any lockout and forgets all failures, e.g. when an admin resets the user's 2FA. */
    public void clear(String realmId, String userId) {
        store.remove(lockKey(realmId, userId));
        clearFailures(realmId, userId);
        forgetLockouts(realmId, userId);
    }

    private void forgetLockouts(String realmId, String userId) {
        if (store.contains(lockoutKey(realmId, userId, 1))) {
            for (int n = 1; n <= MAX_LOCKOUTS_COUNTED; n++) {
                store.remove(lockoutKey(realmId, userId, n));
            }
        }
    }

    private long lockOut(String realmId, String userId) {
        int n = 1;
        while (n < MAX_LOCKOUTS_COUNTED && !store.putIfAbsent(lockoutKey(realmId, userId, n), LOCKOUT_MEMORY_SECONDS)) {
            n++;
        }
        long seconds = policy.lockoutSeconds(n);
        store.put(lockKey(realmId, userId), seconds, Map.of("until", String.valueOf(Time.currentTime() + seconds)));
        LOG.debugf("User %s locked out for %d seconds (lockout %d in a row)", userId, seconds, n);
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

    private static String failureKey(String realmId, String userId, int slot) {
        return "twofa-failure:" + realmId + ":" + userId + ":" + slot;
    }

    private static String lockoutKey(String realmId, String userId, int n) {
        return "twofa-lockout:" + realmId + ":" + userId + ":" + n;
    }

    private static String lockKey(String realmId, String userId) {
        return "twofa-locked:" + realmId + ":" + userId;
    }
}

package io.github.twofa.security;

import java.util.Map;
import java.util.OptionalLong;

import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.models.SingleUseObjectProvider;

/**
 * The extension's own limit on wrong second factors, per user, on whether or not the realm enables Keycloak's
 * brute-force detection. Kept in Keycloak's single-use store, so every cluster node counts the same failures:
 * each failure claims the next free numbered slot with {@code putIfAbsent}, which is atomic across the cluster.
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

    /** Counts a wrong second factor; returns the lockout length if this failure started one. */
    public OptionalLong recordFailure(String realmId, String userId) {
        for (int slot = 1; slot <= policy.maxFailures(); slot++) {
            if (store.putIfAbsent(failureKey(realmId, userId, slot), policy.windowSeconds())) {
                LOG.debugf("User %s: wrong second factor %d of %d allowed", userId, slot, policy.maxFailures());
                return slot < policy.maxFailures() ? OptionalLong.empty() : OptionalLong.of(lockOut(realmId, userId));
            }
        }
        return OptionalLong.of(lockOut(realmId, userId));
    }

    /** A correct second factor clears the failures and the growing lockout. */
    public void recordSuccess(String realmId, String userId) {
        clearFailures(realmId, userId);
        forgetLockouts(realmId, userId);
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
            store.remove(failureKey(realmId, userId, slot));
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

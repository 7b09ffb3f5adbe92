package io.github.twofa.credential;

import java.util.HashSet;
import java.util.Set;

import org.keycloak.models.KeycloakSession;

/**
 * A lock held from the moment it is taken until the request's transaction has committed or rolled back, so whatever
 * the request wrote under it is visible to the next holder. Kept in Keycloak's single-use store, whose
 * {@code putIfAbsent} is atomic across the cluster and acts at once; re-entrant within one request.
 */
final class RequestLock {

    private static final String HELD = RequestLock.class.getName() + ".held";
    /** Bounds a lock whose holder died (a node stopped mid-request); far longer than any request holds one. */
    private static final long LIFESPAN_SECONDS = 30;

    private static final long RETRY_MILLIS = 25;

    private RequestLock() {}

    /**
     * Takes {@code key}, waiting up to {@code waitMillis} for another request to let go of it.
     *
     * @return false if another request still holds it
     */
    static boolean holdUntilRequestEnds(KeycloakSession session, String key, long waitMillis) {
        @SuppressWarnings("unchecked")
        Set<String> held = session.getAttribute(HELD, Set.class);
        if (held != null && held.contains(key)) {
            return true;
        }
        long deadline = System.nanoTime() + waitMillis * 1_000_000L;
        while (!session.singleUseObjects().putIfAbsent(key, LIFESPAN_SECONDS)) {
            if (System.nanoTime() >= deadline || !pause()) {
                return false;
            }
        }
        if (held == null) {
            held = new HashSet<>();
            session.setAttribute(HELD, held);
            releaseAtRequestEnd(session, held);
        }
        held.add(key);
        return true;
    }

    /**
     * Once per request: when its transaction has ended, every lock it took is let go, in one transaction of the store
     * (a bulk migration takes a thousand), off the request's path: another request waiting for one of them polls.
     * Should that fail, the locks end with their lifespan.
     */
    private static void releaseAtRequestEnd(KeycloakSession session, Set<String> held) {
        RequestEnd.afterwards(session, "Letting go of a request's locks", other -> {
            Set<String> keys = Set.copyOf(held);
            held.clear();
            keys.forEach(other.singleUseObjects()::remove);
        });
    }

    private static boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

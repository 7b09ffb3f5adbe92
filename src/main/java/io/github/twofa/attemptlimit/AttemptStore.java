package io.github.twofa.attemptlimit;

import java.util.Map;

/**
 * The shared store the limiter keeps its counts in; on the server, Keycloak's single-use object store, seen alike by
 * every cluster node. Entries expire after their lifespan. {@code putIfAbsent}, {@code remove} and {@code contains}
 * act at once; {@code put} may be seen by others only when the request's transaction commits.
 */
public interface AttemptStore {

    boolean putIfAbsent(String key, long lifespanSeconds);

    boolean contains(String key);

    void remove(String key);

    void put(String key, long lifespanSeconds, Map<String, String> notes);

    /** The notes of a live entry, or null. */
    Map<String, String> get(String key);
}

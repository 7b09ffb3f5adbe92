package io.github.twofa.attemptlimit.provider;

import java.util.Map;

import io.github.twofa.attemptlimit.AttemptStore;
import org.keycloak.models.SingleUseObjectProvider;

/** The limiter's counts in Keycloak's single-use object store (cluster-wide, entries expire by themselves). */
record SingleUseAttemptStore(SingleUseObjectProvider store) implements AttemptStore {

    @Override
    public boolean putIfAbsent(String key, long lifespanSeconds) {
        return store.putIfAbsent(key, lifespanSeconds);
    }

    @Override
    public boolean contains(String key) {
        return store.contains(key);
    }

    @Override
    public void remove(String key) {
        store.remove(key);
    }

    @Override
    public void put(String key, long lifespanSeconds, Map<String, String> notes) {
        store.put(key, lifespanSeconds, notes);
    }

    @Override
    public Map<String, String> get(String key) {
        return store.get(key);
    }
}

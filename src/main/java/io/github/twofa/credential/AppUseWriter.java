package io.github.twofa.credential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.github.twofa.credential.dto.TotpCredentialData;
import org.jboss.logging.Logger;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * When each app was last used, gathered on this node and written every {@link #INTERVAL_MILLIS} in one transaction
 * for all apps used since: "last used" changes at every login, and a transaction of its own after each login (a
 * session, a read and an update) cost the login's node about 3 ms of CPU in the cluster benchmark, as much as the
 * rest of our step. Written past the user cache ({@link JpaConnection#writeCredentialData}), as before, so no node
 * drops the cached user. Uses not yet written when a node dies are lost: it is a figure shown to people, not a
 * security record (the LOGIN event is that, and single use does not depend on it).
 */
final class AppUseWriter {

    private static final Logger LOG = Logger.getLogger(AppUseWriter.class);

    /** How often a node writes the uses it gathered; also how stale "last used" may look on another node. */
    static final long INTERVAL_MILLIS = 2_000;

    /** Apps per statement (below the 1,000 parameters some databases allow in an {@code in} list). */
    private static final int BATCH = 500;

    private record Use(long at, int stepOffset) {}

    private final Map<String, Use> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean();

    /** Notes that the app was used at {@code epochMillis} by a code {@code stepOffset} steps from the server's. */
    void add(String credentialId, long epochMillis, int stepOffset) {
        pending.merge(
                credentialId,
                new Use(epochMillis, stepOffset),
                (held, added) -> added.at() >= held.at() ? added : held);
    }

    /** When the app was last used on this node, if that is not written yet. */
    OptionalLong notYetWritten(String credentialId) {
        Use use = pending.get(credentialId);
        return use == null ? OptionalLong.empty() : OptionalLong.of(use.at());
    }

    /** Writes the uses gathered so far, in one transaction; a failure is logged and those uses are dropped. */
    void writePending(KeycloakSessionFactory factory) {
        if (pending.isEmpty() || !writing.compareAndSet(false, true)) {
            return;
        }
        try {
            // Taken out one by one: a use added meanwhile stays for the next round.
            Map<String, Use> due = new TreeMap<>();
            for (String credentialId : List.copyOf(pending.keySet())) {
                Use use = pending.remove(credentialId);
                if (use != null) {
                    due.put(credentialId, use);
                }
            }
            // In the order of their ids, so two nodes writing the same apps at once take the rows' locks in one order.
            List<String> ids = new ArrayList<>(due.keySet());
            for (int from = 0; from < ids.size(); from += BATCH) {
                List<String> batch = ids.subList(from, Math.min(ids.size(), from + BATCH));
                KeycloakModelUtils.runJobInTransaction(factory, own -> write(own, batch, due));
            }
        } catch (RuntimeException e) {
            LOG.debugf("When apps were last used not written: %s", e.getMessage());
        } finally {
            writing.set(false);
        }
    }

    private static void write(KeycloakSession own, List<String> ids, Map<String, Use> due) {
        Map<String, String> stored = JpaConnection.credentialData(own, ids);
        for (String credentialId : ids) {
            String json = stored.get(credentialId);
            Use use = due.get(credentialId);
            if (json != null) {
                CredentialJson.read(json, TotpCredentialData.class)
                        .usedAt(use.at(), use.stepOffset())
                        .ifPresent(used ->
                                JpaConnection.writeCredentialData(own, credentialId, CredentialJson.write(used)));
            }
        }
    }
}

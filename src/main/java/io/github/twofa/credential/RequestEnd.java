package io.github.twofa.credential;

import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Work for the moment the request's transaction has ended, committed or rolled back alike. */
final class RequestEnd {

    private static final Logger LOG = Logger.getLogger(RequestEnd.class);
    /** The executor of Keycloak's that runs the work done after a request, off its path. */
    static final String EXECUTOR = "twofa-after-request";

    private RequestEnd() {}

    /** Runs {@code action} on the request's thread as its transaction ends, before the answer leaves. */
    static void whateverTheOutcome(KeycloakSession session, Runnable action) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                action.run();
            }

            @Override
            protected void rollbackImpl() {
                action.run();
            }
        });
    }

    /**
     * Runs {@code job} in a session and transaction of its own once the request's transaction has ended, on a thread
     * of Keycloak's: off the login's path, for writes to the single-use store (each a round trip to the other nodes
     * of a cluster) that only need to happen soon. A failure is logged with {@code what}, never passed on.
     */
    static void afterwards(KeycloakSession session, String what, Consumer<KeycloakSession> job) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        ExecutorsProvider executors = session.getProvider(ExecutorsProvider.class);
        whateverTheOutcome(session, () -> {
            Runnable inOwnTransaction = () -> {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, job::accept);
                } catch (RuntimeException e) {
                    LOG.warnf("%s failed: %s", what, e.getMessage());
                }
            };
            try {
                executors.getExecutor(EXECUTOR).execute(inOwnTransaction);
            } catch (RuntimeException e) {
                // No thread to be had (a server shutting down): done here and now instead.
                inOwnTransaction.run();
            }
        });
    }
}

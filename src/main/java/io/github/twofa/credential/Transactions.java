package io.github.twofa.credential;

import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Work that must wait until what the current request wrote is committed. */
public final class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class);

    private Transactions() {
    }

    /**
     * Runs {@code job} in a session and transaction of its own once the current one has committed, with the current
     * request's context; if it rolls back, nothing happened, so the job does not run.
     */
    public static void afterCommit(KeycloakSession session, Consumer<KeycloakSession> job) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        KeycloakContext context = session.getContext();
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                try {
                    KeycloakModelUtils.runJobInTransaction(factory, context, job::accept);
                } catch (RuntimeException e) {
                    // What the request changed is committed already: its answer must not turn into an error.
                    LOG.warnf("Work after a committed change failed: %s", e.toString());
                }
            }

            @Override
            protected void rollbackImpl() {
            }
        });
    }
}

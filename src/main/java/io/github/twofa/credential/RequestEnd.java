package io.github.twofa.credential;

import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/** Work for the moment the request's transaction has ended, committed or rolled back alike (before the answer). */
final class RequestEnd {

    private RequestEnd() {}

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
}

package io.github.twofa.credential;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jboss.logging.Logger;
import org.keycloak.executors.ExecutorsProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.utils.KeycloakModelUtils;

/** Work for the moment the request's transaction has ended, committed or rolled back. */
final class RequestEnd {

    private static final Logger LOG = Logger.getLogger(RequestEnd.class);
    /** The executor of Keycloak's that runs the work done after a request, off its path. */
    static final String EXECUTOR = "twofa-after-request";
    /** The session attribute holding the request's jobs for {@link #afterwards}. */
    private static final String JOBS = RequestEnd.class.getName() + ".jobs";

    private RequestEnd() {}

    /**
     * Runs {@code job} in a session and transaction of its own once the request's transaction has ended, committed or
     * not, on a thread of Keycloak's: off the login's path, for writes to the single-use store (each a round trip to
     * the other nodes of a cluster) that only need to happen soon. A failure is logged with {@code what}, never
     * passed on.
     */
    static void afterwards(KeycloakSession session, String what, Consumer<KeycloakSession> job) {
        jobsOf(session).add(new Job(what, job));
    }

    private record Job(String what, Consumer<KeycloakSession> work) {}

    /**
     * The request's jobs, all run in one session and transaction after it: a login that marks its code's time step
     * done and lets go of a lock opens one more transaction, not two.
     */
    private static List<Job> jobsOf(KeycloakSession session) {
        @SuppressWarnings("unchecked")
        List<Job> jobs = session.getAttribute(JOBS, List.class);
        if (jobs != null) {
            return jobs;
        }
        List<Job> created = new ArrayList<>();
        session.setAttribute(JOBS, created);
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        ExecutorsProvider executors = session.getProvider(ExecutorsProvider.class);
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                run(factory, executors, created);
            }

            @Override
            protected void rollbackImpl() {
                run(factory, executors, created);
            }
        });
        return created;
    }

    private static void run(KeycloakSessionFactory factory, ExecutorsProvider executors, List<Job> jobs) {
        List<Job> due = List.copyOf(jobs);
        jobs.clear();
        if (due.isEmpty()) {
            return;
        }
        Runnable inOwnTransaction = () -> {
            try {
                KeycloakModelUtils.runJobInTransaction(
                        factory,
                        own -> due.forEach(job -> {
                            try {
                                job.work().accept(own);
                            } catch (RuntimeException e) {
                                LOG.warnf("%s failed: %s", job.what(), e.getMessage());
                            }
                        }));
            } catch (RuntimeException e) {
                LOG.debugf(
                        "Work after a request not saved (%s): %s",
                        due.stream().map(Job::what).toList(), e.getMessage());
            }
        };
        try {
            executors.getExecutor(EXECUTOR).execute(inOwnTransaction);
        } catch (RuntimeException e) {
            // No thread to be had (a server shutting down): done here and now instead.
            inOwnTransaction.run();
        }
    }
}

package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Direct-grant logins released at the same moment, to see what single use and the attempt limit do in a race. */
public final class ConcurrentLogins {

    private ConcurrentLogins() {}

    /**
     * Sends {@code count} token requests at once, the i-th to {@code servers.get(i % servers.size())} with
     * {@code codeOf(i)}; returns their statuses, each of which must be 200 or 400 (answered or refused, not failed).
     */
    public static List<Integer> send(
            List<ApiClient> servers, Enrolment.EnrolledKey user, int count, IntFunction<String> codeOf)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ApiClient api = servers.get(i % servers.size());
                String code = codeOf.apply(i);
                responses.add(pool.submit(() -> {
                    start.await();
                    return api.passwordGrant(user.username(), user.password(), code);
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<HttpResponse<String>> response : responses) {
                int status = response.get(2, TimeUnit.MINUTES).statusCode();
                assertTrue(
                        status == 200 || status == 400, "a request must be answered or refused, not fail: " + status);
                statuses.add(status);
            }
            return statuses;
        } finally {
            pool.shutdownNow();
        }
    }
}

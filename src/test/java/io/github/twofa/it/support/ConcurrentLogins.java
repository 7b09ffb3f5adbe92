package io.github.twofa.it.support;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
        List<Callable<HttpResponse<String>>> requests = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ApiClient api = servers.get(i % servers.size());
            String code = codeOf.apply(i);
            requests.add(() -> api.passwordGrant(user.username(), user.password(), code));
        }
        List<Integer> statuses = new ArrayList<>();
        for (HttpResponse<String> response : together(requests)) {
            int status = response.statusCode();
            assertTrue(status == 200 || status == 400, "a request must be answered or refused, not fail: " + status);
            statuses.add(status);
        }
        return statuses;
    }

    /** Sends the requests released at the same moment, each on a thread of its own; their responses, in order. */
    public static List<HttpResponse<String>> together(List<Callable<HttpResponse<String>>> requests) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(requests.size());
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<HttpResponse<String>>> responses = new ArrayList<>();
            for (Callable<HttpResponse<String>> request : requests) {
                responses.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<HttpResponse<String>> answered = new ArrayList<>();
            for (Future<HttpResponse<String>> response : responses) {
                answered.add(response.get(2, TimeUnit.MINUTES));
            }
            return answered;
        } finally {
            pool.shutdownNow();
        }
    }
}

package io.github.twofa.bench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs rounds of logins: in a round every client logs in users of one kind, one login after the other, until the
 * round's time is up (a login under way is finished, and counts for the step times, not for logins per second).
 * Rounds of different kinds take turns, so each kind is measured at the same concurrency and under the same
 * conditions of the same server.
 */
final class RoundRunner implements AutoCloseable {

    /** When a round of a kind ran, to tell the server's profile samples apart by kind. */
    record Round(LoginKind kind, Instant start, Instant end) {}

    private static final Duration IDLE_SETTLING = Duration.ofSeconds(3);
    private static final Duration IDLE_MEASUREMENT = Duration.ofSeconds(4);

    private final List<VirtualBrowser> browsers = new ArrayList<>();
    private final ExecutorService clients;
    private final Map<LoginKind, UserPool> pools;
    private final ProcessCpu serverCpu;
    private final ProcessCpu clientCpu = ProcessCpu.self();

    /** @param baseUrls the nodes; each client sends its requests to them in turn, starting at a different one */
    RoundRunner(List<String> baseUrls, int clientCount, Map<LoginKind, UserPool> pools, ProcessCpu serverCpu) {
        for (int i = 0; i < clientCount; i++) {
            browsers.add(new VirtualBrowser(new NodeRouter(baseUrls, i)));
        }
        this.clients = Executors.newFixedThreadPool(clientCount);
        this.pools = pools;
        this.serverCpu = serverCpu;
    }

    /**
     * The server's CPU use while nobody logs in (timers, cache expiry), in CPU milliseconds per second, to be left
     * out of the cost per login: with few users the clients mostly wait, and a login would otherwise be charged with
     * the idle time around it. Measured after the rounds, once the work the logins left behind (session writes,
     * garbage collection, the JIT) has settled.
     */
    double measureIdleServer() throws InterruptedException {
        Thread.sleep(IDLE_SETTLING.toMillis());
        long cpuBefore = serverCpu.nanos();
        long start = System.nanoTime();
        Thread.sleep(IDLE_MEASUREMENT.toMillis());
        return 1000.0 * (serverCpu.nanos() - cpuBefore) / (System.nanoTime() - start);
    }

    Round run(LoginKind kind, Duration length, KindResults results) throws InterruptedException {
        Instant startedAt = Instant.now();
        long start = System.nanoTime();
        long serverCpuBefore = serverCpu.nanos();
        long clientCpuBefore = clientCpu.nanos();
        MachineCpu.Reading machineBefore = MachineCpu.read();
        long deadline = System.nanoTime() + length.toNanos();
        List<Future<Void>> running = new ArrayList<>();
        for (VirtualBrowser browser : browsers) {
            running.add(clients.submit(() -> logInUntil(deadline, browser, kind, results)));
        }
        for (Future<Void> client : running) {
            try {
                client.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a client failed", e.getCause());
            }
        }
        MachineCpu.Reading machineAfter = MachineCpu.read();
        results.round(
                length.toNanos(),
                System.nanoTime() - start,
                serverCpu.nanos() - serverCpuBefore,
                clientCpu.nanos() - clientCpuBefore,
                pools.get(kind).isExhausted());
        results.otherCpu(
                machineAfter.machineNanos() - machineBefore.machineNanos(),
                machineAfter.databaseNanosSince(machineBefore));
        return new Round(kind, startedAt, Instant.now());
    }

    /** One login of one user of {@code kind}, for checking that the set-up works before anything is measured. */
    void logInOnce(LoginKind kind) throws Exception {
        UserPool pool = pools.get(kind);
        UserPool.Lease lease = pool.take(
                        System.nanoTime() + Duration.ofSeconds(35).toNanos())
                .orElseThrow(() -> new IllegalStateException("no " + kind.label() + " user can log in"));
        try {
            browsers.get(0).logIn(kind, lease.user());
        } finally {
            pool.release(lease.user());
        }
    }

    private Void logInUntil(long deadline, VirtualBrowser browser, LoginKind kind, KindResults results)
            throws InterruptedException {
        UserPool pool = pools.get(kind);
        while (System.nanoTime() < deadline) {
            Optional<UserPool.Lease> lease = pool.take(deadline);
            if (lease.isEmpty()) {
                break;
            }
            if (lease.get().waitedNanos() > 0) {
                results.waited(lease.get().waitedNanos());
            }
            try {
                Map<Step, Long> times = browser.logIn(kind, lease.get().user());
                results.login(times, System.nanoTime() <= deadline);
            } catch (LoginFailure | IOException | RuntimeException e) {
                results.error(
                        e instanceof LoginFailure
                                ? e.getMessage()
                                : e.getClass().getSimpleName() + ": " + e.getMessage());
            } finally {
                pool.release(lease.get().user());
            }
        }
        return null;
    }

    @Override
    public void close() {
        clients.shutdownNow();
    }
}

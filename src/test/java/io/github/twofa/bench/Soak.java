package io.github.twofa.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import io.github.twofa.bench.SoakDatabase.Credential;
import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ClusterNode;
import io.github.twofa.it.support.PostgresServer;

/**
 * The soak (issue 18): two production nodes on one PostgreSQL under steady logins of every kind for a long while,
 * with replay and lockout attacks mixed in, and a node killed and started again every few minutes. At the end it
 * checks, from the clients' log, the database and the events, that no code was accepted twice, no credential or
 * backup code was lost or revived and every lockout was honoured, and reports the error rate clients saw during each
 * failover. Results in {@code target/soak/} (results.md, results.json, attempts.jsonl); exits with 1 if a check
 * failed. Run it with {@code bench/soak.sh}; it is not part of the tests.
 */
public final class Soak {

    private static final List<String> NODE_NAMES = List.of("soak-a", "soak-b");
    private static final long PROGRESS_MILLIS = 60_000;

    private final SoakOptions options;
    private final long started = System.nanoTime();

    private Soak(SoakOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        System.exit(new Soak(SoakOptions.fromSystemProperties()).run() ? 0 : 1);
    }

    /** Whether every check passed. */
    private boolean run() throws Exception {
        Files.createDirectories(options.outputDir());
        say("Soak: " + options.describe());
        String encryptionKeys = SecondFactorCredentials.randomEncryptionKeys();
        PostgresServer database = PostgresServer.start(true);
        List<ClusterNode> nodes = new ArrayList<>();
        try {
            startNodes(nodes, database, encryptionKeys);
            SoakUsers users = SoakUsers.create(new AdminApi(nodes.get(0)), encryptionKeys, options);
            say("Imported " + options.users() + " users per kind and " + options.lockoutUsers() + " for the lockouts; "
                    + BenchRealms.TWOFA + " stores its events");
            SoakDatabase ours = new SoakDatabase(database, users.twofaRealmId(), users.backupCodes());
            SoakDatabase builtin = new SoakDatabase(database, users.builtinRealmId(), List.of());
            Map<String, List<Credential>> oursBefore = ours.credentials();
            Map<String, List<Credential>> builtinBefore = builtin.credentials();
            SoakRun run;
            try (SoakLog log = new SoakLog(options.outputDir().resolve("attempts.jsonl"))) {
                long loadStarted = System.currentTimeMillis();
                List<SoakFailovers.Failover> failovers = load(nodes, users, log);
                long loadEnded = System.currentTimeMillis();
                restartAnyNodeDown(nodes);
                say("Logins over: " + log.progress() + "; reading the database");
                run = new SoakRun(
                        options,
                        loadStarted,
                        loadEnded,
                        log.attempts(),
                        log.lockouts(),
                        failovers,
                        users.lockoutUserIds(),
                        oursBefore,
                        ours.credentials(),
                        builtinBefore,
                        builtin.credentials(),
                        ours.events(),
                        users.backupCodes().size());
            }
            SoakReport report = new SoakReport(run, SoakChecks.of(run));
            System.out.println();
            System.out.println(report.write(options.outputDir()));
            say((report.passed() ? "Passed" : "FAILED") + "; results in " + options.outputDir());
            return report.passed();
        } finally {
            nodes.forEach(ClusterNode::close);
            database.close();
        }
    }

    private void startNodes(List<ClusterNode> nodes, PostgresServer database, String encryptionKeys) {
        Path build = ClusterNode.buildDistribution();
        // The lockout's length is a server option; Keycloak reads kc.* system properties as options.
        ClusterNode.Settings settings = new ClusterNode.Settings(
                encryptionKeys,
                "INFO",
                "-Xms256m -Xmx1g",
                "-Dkc.spi-twofa-attempt-limit--default--lockout-seconds=" + options.lockoutSeconds());
        for (String name : NODE_NAMES) {
            nodes.add(ClusterNode.start(name, build, database, settings));
        }
        nodes.forEach(node -> node.awaitClusterOf(nodes.size()));
        say("Two nodes up; logs: "
                + nodes.stream().map(node -> node.log().toString()).collect(Collectors.joining(", ")));
    }

    /** The steady logins, the attacks and the node kills, until the time is up; the kills and restarts. */
    private List<SoakFailovers.Failover> load(List<ClusterNode> nodes, SoakUsers users, SoakLog log)
            throws InterruptedException, ExecutionException {
        List<String> baseUrls = nodes.stream().map(ClusterNode::baseUrl).toList();
        List<String> names = nodes.stream().map(ClusterNode::name).toList();
        Map<LoginKind, UserPool> pools = users.pools();
        logInOnceOfEachKind(new SoakBrowser(baseUrls, names, 0), pools, users, log);
        long deadline = System.currentTimeMillis() + options.durationMillis();
        SoakFailovers failovers = new SoakFailovers(nodes, options, deadline, this::say);
        ExecutorService threads =
                Executors.newFixedThreadPool(options.clients() + users.lockout().size() + 1);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < options.clients(); i++) {
                running.add(threads.submit(new SoakClients(
                        new SoakBrowser(baseUrls, names, i),
                        i,
                        pools,
                        users.backupCodes(),
                        options.replayShare(),
                        log,
                        deadline)));
            }
            for (int i = 0; i < users.lockout().size(); i++) {
                running.add(threads.submit(new SoakLockouts(
                        new SoakBrowser(baseUrls, names, i),
                        users.lockout().get(i),
                        options.lockoutSeconds() * 1000L,
                        log,
                        deadline)));
            }
            running.add(threads.submit(failovers));
            say("Logins under way for " + options.minutes() + " min");
            long nextProgress = System.currentTimeMillis() + PROGRESS_MILLIS;
            while (running.stream().anyMatch(thread -> !thread.isDone())) {
                Thread.sleep(1_000);
                if (System.currentTimeMillis() >= nextProgress) {
                    say(log.progress());
                    nextProgress += PROGRESS_MILLIS;
                }
            }
            for (Future<?> thread : running) {
                thread.get();
            }
        } finally {
            threads.shutdownNow();
        }
        return failovers.failovers();
    }

    /** One login of each kind before the soak begins, so that a set-up that cannot work fails at once. */
    private void logInOnceOfEachKind(SoakBrowser browser, Map<LoginKind, UserPool> pools, SoakUsers users, SoakLog log)
            throws InterruptedException {
        SoakClients client = new SoakClients(browser, 0, pools, users.backupCodes(), 0, log, Long.MAX_VALUE);
        for (LoginKind kind : List.of(LoginKind.BUILTIN_OTP, LoginKind.TWOFA_TOTP, LoginKind.TWOFA_BACKUP_CODE)) {
            SoakAttempt attempt = client.logInOnce(kind);
            if (attempt == null || attempt.verdict() != SoakAttempt.Verdict.ACCEPTED) {
                throw new IllegalStateException("a first " + kind.label() + " login failed: "
                        + (attempt == null ? "no user" : attempt.verdict() + " " + attempt.message()));
            }
        }
        say("One login of each kind works");
    }

    /** A node the failovers left down (a restart that failed) is started again, so the end state is complete. */
    private void restartAnyNodeDown(List<ClusterNode> nodes) {
        for (ClusterNode node : nodes) {
            if (!node.isRunning()) {
                say("Node " + node.name() + " is down; starting it again");
                node.restart();
            }
        }
        nodes.forEach(node -> node.awaitClusterOf(nodes.size()));
    }

    private void say(String message) {
        System.out.printf(Locale.ROOT, "[%6.1f s] %s%n", (System.nanoTime() - started) / 1e9, message);
    }
}

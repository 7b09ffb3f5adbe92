package io.github.twofa.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.twofa.it.support.AdminApi;
import io.github.twofa.it.support.ClusterNode;
import io.github.twofa.it.support.DistributionServer;
import io.github.twofa.it.support.KeycloakServer;
import io.github.twofa.it.support.PostgresServer;

/**
 * The Keycloak the benchmark logs in to, in one of three set-ups: dev mode on embedded H2 (the reference measurement
 * of issue 7), one production node ({@code kc.sh build} then {@code start}) on PostgreSQL, or two production nodes on
 * PostgreSQL that form an Infinispan cluster through the database (jdbc-ping), as in {@code docker-compose.yml}.
 * Production nodes cache themes and templates, as production mode does by default.
 */
final class BenchServers implements AutoCloseable {

    /** Where and how Keycloak runs. */
    enum Mode {
        DEV("start-dev, dev-file H2, one server"),
        PRODUCTION("kc.sh start, PostgreSQL 15, one node"),
        CLUSTER("kc.sh start, PostgreSQL 15, two nodes clustered over jdbc-ping, requests spread over both without "
                + "sticky sessions");

        private final String description;

        Mode(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }

        static Mode parse(String name) {
            return Mode.valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * What the servers have done so far, summed over the nodes: operations on the single-use store (Infinispan's
     * {@code actionTokens} cache: reads are hits and misses, writes are stores and removes), and, on PostgreSQL, the
     * statements run (from pg_stat_statements) and the transactions begun. -1 where there is no such count.
     */
    record Counts(long storeReads, long storeWrites, long statements, long statementWrites, long transactions) {

        Counts minus(Counts earlier) {
            return new Counts(
                    storeReads - earlier.storeReads,
                    storeWrites - earlier.storeWrites,
                    statements < 0 ? -1 : statements - earlier.statements,
                    statementWrites < 0 ? -1 : statementWrites - earlier.statementWrites,
                    transactions < 0 ? -1 : transactions - earlier.transactions);
        }
    }

    private static final Pattern STORE_METRIC = Pattern.compile(
            "^vendor_statistics_(hits|misses|stores|remove_hits|remove_misses)\\{cache=\"actionTokens\"[^}]*} (\\S+)$",
            Pattern.MULTILINE);
    /** Our own statements (the counting queries, the extension's set-up) are left out of the counts. */
    private static final String KEYCLOAK_STATEMENTS =
            "from pg_stat_statements where dbid = (select oid from pg_database"
                    + " where datname = current_database()) and query not ilike '%pg_stat%' and query not ilike '%extension%'";

    /** Transaction control and session settings, which are not statements of the work itself. */
    private static final String CONTROL = "^\\s*(begin|commit|rollback|start transaction|set |show |savepoint|release)";

    /** The servers' log-level option; INFO unless a run asks for more (bench.logLevel, e.g. to see cache misses). */
    private static final String LOG_LEVEL =
            System.getProperty("bench.logLevel", "INFO").isBlank() ? "INFO" : System.getProperty("bench.logLevel");

    private final Mode mode;
    private final PostgresServer database;
    private final List<KeycloakServer> nodes;
    private final List<Path> homes;
    private final List<Path> logs;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private BenchServers(
            Mode mode, PostgresServer database, List<KeycloakServer> nodes, List<Path> homes, List<Path> logs) {
        this.mode = mode;
        this.database = database;
        this.nodes = nodes;
        this.homes = homes;
        this.logs = logs;
    }

    /**
     * Starts the servers of {@code mode} with our jar and {@code encryptionKeys}; {@code javaOptions} go to the first
     * node only (a flight recording of one node is enough to see where the time goes).
     */
    static BenchServers start(Mode mode, String encryptionKeys, String javaOptions, List<String> devOptions)
            throws IOException {
        if (mode == Mode.DEV) {
            Path home = DistributionServer.copyOfDistribution("keycloak-login-bench");
            List<String> options = new ArrayList<>(List.of("--metrics-enabled=true"));
            options.addAll(devOptions);
            // Our packages log at INFO like the rest: the tests' DEBUG would slow ours alone.
            DistributionServer server =
                    DistributionServer.start(home, encryptionKeys, true, LOG_LEVEL, javaOptions, options);
            return new BenchServers(mode, null, List.of(server), List.of(home), List.of(server.log()));
        }
        PostgresServer database = PostgresServer.start(true);
        List<KeycloakServer> nodes = new ArrayList<>();
        List<Path> homes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            database.query("create extension if not exists pg_stat_statements");
            Path build = ClusterNode.buildDistribution();
            int count = mode == Mode.CLUSTER ? 2 : 1;
            for (int i = 0; i < count; i++) {
                ClusterNode node = ClusterNode.start(
                        "bench-" + (char) ('a' + i),
                        build,
                        database,
                        new ClusterNode.Settings(
                                encryptionKeys, LOG_LEVEL, "-Xms512m -Xmx1g", i == 0 ? javaOptions : ""));
                nodes.add(node);
                homes.add(node.home());
                logs.add(node.log());
            }
            if (count > 1) {
                ((ClusterNode) nodes.get(0)).awaitClusterOf(count);
            }
            return new BenchServers(mode, database, nodes, homes, logs);
        } catch (RuntimeException e) {
            nodes.forEach(KeycloakServer::close);
            database.close();
            throw e;
        }
    }

    Mode mode() {
        return mode;
    }

    List<String> baseUrls() {
        return nodes.stream().map(KeycloakServer::baseUrl).toList();
    }

    /** The admin API, through the first node. */
    AdminApi admin() {
        return new AdminApi(nodes.get(0));
    }

    /** The CPU time of every node's JVM together. */
    ProcessCpu cpu() {
        return ProcessCpu.keycloak(homes);
    }

    /** Where each node's console output goes. */
    String logs() {
        return String.join(", ", logs.stream().map(Path::toString).toList());
    }

    Counts counts() {
        long storeReads = 0;
        long storeWrites = 0;
        for (KeycloakServer node : nodes) {
            Matcher metric = STORE_METRIC.matcher(metrics(node));
            while (metric.find()) {
                long value = (long) Double.parseDouble(metric.group(2));
                if (metric.group(1).equals("hits") || metric.group(1).equals("misses")) {
                    storeReads += value;
                } else {
                    storeWrites += value;
                }
            }
        }
        if (database == null) {
            return new Counts(storeReads, storeWrites, -1, -1, -1);
        }
        // Transactions are counted by their BEGIN, which the driver sends as a statement (its COMMIT is not seen by
        // pg_stat_statements, and pg_stat_database's counters are flushed by each connection only every few seconds).
        String[] row = database.query("select"
                        + " (select coalesce(sum(calls), 0) " + KEYCLOAK_STATEMENTS + " and query !~* '" + CONTROL
                        + "'),"
                        + " (select coalesce(sum(calls), 0) " + KEYCLOAK_STATEMENTS
                        + " and query ~* '^\\s*(insert|update|delete)'),"
                        + " (select coalesce(sum(calls), 0) " + KEYCLOAK_STATEMENTS + " and query ~* '^\\s*begin')")
                .trim()
                .split("\\|");
        return new Counts(
                storeReads, storeWrites, Long.parseLong(row[0]), Long.parseLong(row[1]), Long.parseLong(row[2]));
    }

    /**
     * Every statement PostgreSQL has run for Keycloak so far and how often, by its normalised text (empty on H2): the
     * difference over one kind's logins shows which statements a login of that kind runs.
     */
    Map<String, Long> statementCalls() {
        Map<String, Long> calls = new TreeMap<>();
        if (database == null) {
            return calls;
        }
        for (String line : database.query(
                        "select calls, regexp_replace(query, '\\s+', ' ', 'g') " + KEYCLOAK_STATEMENTS)
                .split("\n")) {
            String[] callsAndQuery = line.split("\\|", 2);
            if (callsAndQuery.length == 2) {
                calls.merge(callsAndQuery[1], Long.parseLong(callsAndQuery[0]), Long::sum);
            }
        }
        return calls;
    }

    private String metrics(KeycloakServer node) {
        String url = node.managementUrl().orElseThrow() + "/metrics";
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The database, in the production set-ups. */
    Optional<PostgresServer> database() {
        return Optional.ofNullable(database);
    }

    @Override
    public void close() {
        nodes.forEach(KeycloakServer::close);
        if (database != null) {
            database.close();
        }
    }
}

package io.github.twofa.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Keycloak node of a cluster in production mode ({@code kc.sh start}): PostgreSQL as the shared database,
 * Infinispan's clustered caches, JGroups discovery through the database (jdbc-ping), all on loopback. The server
 * is built once ({@link #buildDistribution}) and every node runs a copy of that build in a folder of its own.
 */
public final class ClusterNode implements KeycloakServer {

    /**
     * Build-time options; a node started with other ones would rebuild itself first. Metrics on, as an operator
     * runs it: the benchmark reads the caches' operation counts from them.
     */
    private static final List<String> BUILD_OPTIONS =
            List.of("--db=postgres", "--health-enabled=true", "--metrics-enabled=true", "--cache=ispn");

    /**
     * How a node runs: the tests' debug logging, or a benchmark's quieter one with more heap and JVM options of its own.
     *
     * @param encryptionKeys the server option encryption-keys of our credential provider
     * @param logLevel       the server option log-level
     * @param heap           the JVM's heap options (JAVA_OPTS_KC_HEAP)
     * @param javaOptions    JVM options appended to Keycloak's (JAVA_OPTS_APPEND), e.g. a flight recording
     */
    public record Settings(String encryptionKeys, String logLevel, String heap, String javaOptions) {

        /** What the cluster test runs with. */
        public static Settings forTests() {
            return new Settings(ENCRYPTION_KEYS, "INFO,io.github.twofa:DEBUG", "-Xms256m -Xmx768m", "");
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final Pattern CLUSTER_VIEW =
            Pattern.compile("ISPN000094: Received new cluster view for channel ISPN: \\[[^]]*] \\((\\d+)\\)");

    private final String name;
    private final Path home;
    private final List<String> command;
    private final int managementPort;
    private final String baseUrl;
    private final Settings settings;
    private Process process;

    private ClusterNode(
            String name, Path home, List<String> command, int httpPort, int managementPort, Settings settings) {
        this.name = name;
        this.home = home;
        this.command = command;
        this.managementPort = managementPort;
        this.baseUrl = "http://localhost:" + httpPort;
        this.settings = settings;
    }

    /** The unpacked distribution with our jar, built for PostgreSQL and clustered caches (about 40 s). */
    public static Path buildDistribution() {
        try {
            Path build = DistributionServer.copyOfDistribution("keycloak-cluster-build");
            Files.createDirectories(build.resolve("providers"));
            Files.copy(
                    Path.of(DistributionServer.required("kc.test.providerJar")),
                    build.resolve("providers/keycloak-twofa.jar"),
                    StandardCopyOption.REPLACE_EXISTING);
            List<String> command =
                    new ArrayList<>(List.of(build.resolve("bin/kc.sh").toString(), "build"));
            command.addAll(BUILD_OPTIONS);
            Path log = build.getParent().resolve("keycloak-cluster-build.log");
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
                Processes.kill(process);
                throw new IllegalStateException("kc.sh build failed; see " + log);
            }
            return build;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts node {@code name} from a copy of the built distribution; returns once it is ready for requests. */
    public static ClusterNode start(String name, Path build, PostgresServer database) {
        return start(name, build, database, Settings.forTests());
    }

    /** The same, with settings of one's own. */
    public static ClusterNode start(String name, Path build, PostgresServer database, Settings settings) {
        Path home = build.getParent().resolve("keycloak-cluster-" + name);
        Processes.copyTree(build, home, path -> false);
        int httpPort = Processes.freePort();
        int managementPort = Processes.freePort();
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/kc.sh").toString(), "start"));
        command.addAll(BUILD_OPTIONS);
        command.addAll(List.of(
                "--cache-stack=jdbc-ping",
                "--cache-embedded-network-bind-address=127.0.0.1",
                "--cache-embedded-network-bind-port=" + Processes.freePort(),
                "--db-url=" + database.jdbcUrl(),
                "--db-username=" + PostgresServer.USER,
                "--db-password=unused-with-trust-authentication",
                "--http-enabled=true",
                "--http-port=" + httpPort,
                "--http-management-port=" + managementPort,
                "--hostname-strict=false",
                "--log-level=" + settings.logLevel(),
                "--spi-credential--twofa-totp--encryption-keys=" + settings.encryptionKeys()));
        ClusterNode node = new ClusterNode(name, home, List.copyOf(command), httpPort, managementPort, settings);
        try {
            Files.deleteIfExists(node.log());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        node.launch();
        return node;
    }

    private void launch() {
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().put("JAVA_OPTS_KC_HEAP", settings.heap());
            builder.environment().put("JAVA_OPTS_APPEND", settings.javaOptions());
            process = builder.start();
            Processes.awaitKeycloakReady(process, managementPort, log(), START_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until this node's latest cluster view has {@code members} members. */
    public void awaitClusterOf(int members) {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (clusterSize() != members) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not see a cluster of " + members + "; see " + log());
            }
            Processes.pause(Duration.ofMillis(500));
        }
    }

    private int clusterSize() {
        Matcher views = CLUSTER_VIEW.matcher(consoleLog());
        int size = 0;
        while (views.find()) {
            size = Integer.parseInt(views.group(1));
        }
        return size;
    }

    /** Kills the node as a crash would (SIGKILL): no graceful leave from the cluster, nothing flushed. */
    public void kill() {
        Processes.kill(process);
    }

    /** Starts the node again with its previous options and folder. */
    public void restart() {
        launch();
    }

    public String name() {
        return name;
    }

    /** The node's own copy of the distribution. */
    public Path home() {
        return home;
    }

    /** Whether the node's process runs (false after {@link #kill} until {@link #restart}). */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    @Override
    public Optional<String> managementUrl() {
        return Optional.of("http://localhost:" + managementPort);
    }

    public Path log() {
        return home.getParent().resolve("keycloak-cluster-" + name + ".log");
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public String consoleLog() {
        try {
            return Files.readString(log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            Processes.stop(process);
        }
    }
}

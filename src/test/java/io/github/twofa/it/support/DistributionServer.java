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
import java.util.Objects;
import java.util.Optional;

/**
 * Keycloak's own distribution (the Maven artifact keycloak-quarkus-dist, unpacked by the build) started as a
 * process in dev mode on free ports with a fresh embedded H2 database file, so every run starts from the demo realm.
 */
public final class DistributionServer implements KeycloakServer {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);

    private final Process process;
    private final String baseUrl;
    private final Path databaseFile;
    private final Path log;
    private String managementUrl;

    private DistributionServer(Process process, String baseUrl, Path databaseFile, Path log) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.databaseFile = databaseFile;
        this.log = log;
    }

    /** The server's console output (appended across starts of the same home). */
    public Path log() {
        return log;
    }

    @Override
    public String consoleLog() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the unpacked distribution for a test that needs a server of its own. */
    public static Path copyOfDistribution(String name) throws IOException {
        Path source = Path.of(required("kc.test.dist"));
        Path target = source.getParent().resolve(name);
        Processes.copyTree(
                source,
                target,
                path -> path.startsWith(source.resolve("data")) && !path.equals(source.resolve("data")));
        return target;
    }

    /**
     * The shared test server: the unpacked distribution, the test encryption key, a fresh database, and metrics on
     * with the user-event metrics tagged by realm (so each test's realm has counts of its own).
     */
    static DistributionServer start() {
        return start(
                Path.of(required("kc.test.dist")),
                ENCRYPTION_KEYS,
                true,
                "INFO,io.github.twofa:DEBUG",
                "",
                List.of(
                        "--metrics-enabled=true",
                        "--event-metrics-user-enabled=true",
                        "--event-metrics-user-tags=realm"));
    }

    /**
     * A server in {@code home} (a Keycloak distribution folder).
     *
     * @param encryptionKeys the server option encryption-keys, or null to run without a server key
     * @param freshDatabase  false keeps the database of the previous start in the same home
     */
    public static DistributionServer start(Path home, String encryptionKeys, boolean freshDatabase) {
        return start(home, encryptionKeys, freshDatabase, "INFO,io.github.twofa:DEBUG", "");
    }

    /**
     * The same, with the server's log level and JVM options of one's own (a benchmark logs less, and may want a
     * bigger heap or a flight recording).
     *
     * @param logLevel    the server option log-level, e.g. {@code INFO}
     * @param javaOptions JVM options appended to Keycloak's own (JAVA_OPTS_APPEND), e.g. {@code -Xmx2g}
     */
    public static DistributionServer start(
            Path home, String encryptionKeys, boolean freshDatabase, String logLevel, String javaOptions) {
        return start(home, encryptionKeys, freshDatabase, logLevel, javaOptions, List.of());
    }

    /** The same, with further server options (e.g. {@code --spi-credential--twofa-totp--migrate-secrets=true}). */
    public static DistributionServer start(
            Path home,
            String encryptionKeys,
            boolean freshDatabase,
            String logLevel,
            String javaOptions,
            List<String> serverOptions) {
        Path jar = Path.of(required("kc.test.providerJar"));
        Path realm = Path.of(required("kc.test.realmFile"));
        try {
            Files.createDirectories(home.resolve("providers"));
            Files.copy(
                    jar, home.resolve("providers").resolve("keycloak-twofa.jar"), StandardCopyOption.REPLACE_EXISTING);
            TestProviders.install(home);
            if (freshDatabase) {
                Processes.deleteTree(home.resolve("data/h2"));
            }
            Path importDir = Files.createDirectories(home.resolve("data/import"));
            Files.copy(realm, importDir.resolve("realm-export.json"), StandardCopyOption.REPLACE_EXISTING);
            copyResource(GAP_CHECK_REALM, importDir.resolve("gap-check-realm.json"));
            int httpPort = Processes.freePort();
            int managementPort = Processes.freePort();
            Path log = home.getParent().resolve(home.getFileName() + "-it.log");
            List<String> command = new ArrayList<>(List.of(
                    home.resolve("bin/kc.sh").toString(),
                    "start-dev",
                    "--db=dev-file",
                    "--http-port=" + httpPort,
                    "--http-management-port=" + managementPort,
                    "--health-enabled=true",
                    "--import-realm",
                    "--log-level=" + logLevel));
            if (encryptionKeys != null) {
                command.add("--spi-credential--twofa-totp--encryption-keys=" + encryptionKeys);
            }
            command.addAll(serverOptions);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
            builder.environment().put("JAVA_OPTS_APPEND", javaOptions);
            Process process = builder.start();
            DistributionServer server = new DistributionServer(
                    process, "http://localhost:" + httpPort, home.resolve("data/h2/keycloakdb.mv.db"), log);
            server.managementUrl = "http://localhost:" + managementPort;
            Processes.awaitKeycloakReady(process, managementPort, log, START_TIMEOUT);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Optional<String> managementUrl() {
        return Optional.ofNullable(managementUrl);
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        Processes.stop(process);
    }

    /** The embedded H2 database file, to look at what a database dump would contain. */
    @Override
    public Optional<Path> databaseFile() {
        return Optional.of(databaseFile);
    }

    /** A realm present at start whose "forgot password" skips the second factor: the start-up warning must name it. */
    static final String GAP_CHECK_REALM = "/import/gap-check-realm.json";

    private static void copyResource(String resource, Path target) throws IOException {
        try (var in = DistributionServer.class.getResourceAsStream(resource)) {
            Files.copy(Objects.requireNonNull(in, resource), target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException(
                    "System property " + property + " is not set: run the tests with mvn verify");
        }
        return value;
    }
}

package io.github.twofa.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

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
            return Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the unpacked distribution for a test that needs a server of its own. */
    public static Path copyOfDistribution(String name) throws IOException {
        Path source = Path.of(required("kc.test.dist"));
        Path target = source.getParent().resolve(name);
        deleteTree(target);
        try (var paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else if (!path.startsWith(source.resolve("data"))) {
                    Files.copy(path, destination, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return target;
    }

    /** The shared test server: the unpacked distribution, the test encryption key, a fresh database. */
    static DistributionServer start() {
        return start(Path.of(required("kc.test.dist")), ENCRYPTION_KEYS, true);
    }

    /**
     * A server in {@code home} (a Keycloak distribution folder).
     *
     * @param encryptionKeys the server option encryption-keys, or null to run without a server key
     * @param freshDatabase  false keeps the database of the previous start in the same home
     */
    public static DistributionServer start(Path home, String encryptionKeys, boolean freshDatabase) {
        Path jar = Path.of(required("kc.test.providerJar"));
        Path realm = Path.of(required("kc.test.realmFile"));
        try {
            Files.createDirectories(home.resolve("providers"));
            Files.copy(jar, home.resolve("providers").resolve("keycloak-twofa.jar"), StandardCopyOption.REPLACE_EXISTING);
            if (freshDatabase) {
                deleteTree(home.resolve("data/h2"));
            }
            Path importDir = Files.createDirectories(home.resolve("data/import"));
            Files.copy(realm, importDir.resolve("realm-export.json"), StandardCopyOption.REPLACE_EXISTING);
            int httpPort = freePort();
            int managementPort = freePort();
            Path log = home.getParent().resolve(home.getFileName() + "-it.log");
            List<String> command = new java.util.ArrayList<>(List.of(
                    home.resolve("bin/kc.sh").toString(), "start-dev",
                    "--db=dev-file",
                    "--http-port=" + httpPort,
                    "--http-management-port=" + managementPort,
                    "--health-enabled=true",
                    "--import-realm",
                    "--log-level=INFO,io.github.twofa:DEBUG"));
            if (encryptionKeys != null) {
                command.add("--spi-credential--twofa-totp--encryption-keys=" + encryptionKeys);
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USER);
            builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", ADMIN_PASSWORD);
            builder.environment().put("JAVA_OPTS_KC_HEAP", "-Xms256m -Xmx1g");
            Process process = builder.start();
            DistributionServer server = new DistributionServer(process, "http://localhost:" + httpPort,
                    home.resolve("data/h2/keycloakdb.mv.db"), log);
            server.awaitReady(managementPort, log);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(int managementPort, Path log) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + managementPort + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep();
        }
        close();
        throw new IllegalStateException("Keycloak did not become ready within " + START_TIMEOUT + "; see " + log);
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The embedded H2 database file, to look at what a database dump would contain. */
    @Override
    public java.util.Optional<Path> databaseFile() {
        return java.util.Optional.of(databaseFile);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set: run the tests with mvn verify");
        }
        return value;
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package io.github.twofa.it.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Providers that only tests install in their server, compiled from src/test/resources/readonly-federation against the
 * distribution's own jars (some of Keycloak's SPIs are in modules whose Maven poms do not resolve): a read-only user
 * federation, as a read-only LDAP is.
 */
public final class TestProviders {

    private static final Path SOURCES = Path.of("src/test/resources/readonly-federation");

    private TestProviders() {}

    /** Built once per test run: every server of a run is the same distribution. */
    private static Path built;

    /** Puts the test providers (compiled against the Keycloak at {@code home}) into its providers folder. */
    public static synchronized void install(Path home) {
        try {
            if (built == null) {
                built = build(home);
            }
            Files.copy(built, home.resolve("providers/twofa-test-providers.jar"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path build(Path home) {
        try {
            Path classes = Files.createTempDirectory("twofa-test-providers");
            List<String> sources;
            try (Stream<Path> files = Files.walk(SOURCES)) {
                sources = files.filter(file -> file.toString().endsWith(".java"))
                        .map(Path::toString)
                        .toList();
            }
            String classpath;
            try (Stream<Path> jars = Files.list(home.resolve("lib/lib/main"))) {
                classpath = jars.map(Path::toString).collect(Collectors.joining(File.pathSeparator));
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            List<String> arguments = Stream.concat(
                            Stream.of("-d", classes.toString(), "-cp", classpath, "--release", "17", "-nowarn"),
                            sources.stream())
                    .toList();
            if (javac.run(null, null, null, arguments.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("the test providers did not compile");
            }
            Path jar = Files.createTempFile("twofa-test-providers", ".jar");
            try (OutputStream out = Files.newOutputStream(jar);
                    JarOutputStream zip = new JarOutputStream(out);
                    Stream<Path> compiled = Files.walk(classes)) {
                for (Path file : compiled.filter(Files::isRegularFile).toList()) {
                    add(zip, classes.relativize(file).toString(), file);
                }
                Path services = SOURCES.resolve("META-INF/services");
                try (Stream<Path> entries = Files.list(services)) {
                    for (Path service : entries.toList()) {
                        add(zip, "META-INF/services/" + service.getFileName(), service);
                    }
                }
            }
            Processes.deleteTree(classes);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(JarOutputStream zip, String name, Path file) throws IOException {
        zip.putNextEntry(new JarEntry(name.replace(File.separatorChar, '/')));
        zip.write(Files.readAllBytes(file));
        zip.closeEntry();
    }

    /**
     * Moves Keycloak's clock {@code seconds} ahead of the real one (0: back), through the test-only provider
     * {@code twofa-test-clock}; the whole server's clock, so a test moves it back when done.
     */
    public static void moveServerClock(KeycloakServer server, String realm, int seconds) {
        java.net.http.HttpResponse<String> moved = Http.send(
                java.net.http.HttpClient.newHttpClient(),
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                server.baseUrl() + "/realms/" + realm + "/twofa-test-clock/set?offset=" + seconds))
                        .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                        .build());
        if (moved.statusCode() != 204) {
            throw new AssertionError("the test clock did not move: " + moved.statusCode() + " " + moved.body());
        }
    }
}

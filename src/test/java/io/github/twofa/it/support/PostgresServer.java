package io.github.twofa.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL server made from the machine's own server binaries (Debian's postgresql-15): a new data
 * directory in a temp folder, trust authentication, listening on loopback only. PostgreSQL refuses to run as root,
 * so under root it runs as the {@code postgres} system user the Debian package creates.
 */
public final class PostgresServer implements AutoCloseable {

    public static final String DATABASE = "keycloak";
    public static final String USER = "keycloak";

    private final Path binaries;
    private final Path dataDir;
    private final int port;

    private PostgresServer(Path binaries, Path dataDir, int port) {
        this.binaries = binaries;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** A server for tests: nothing is flushed to disk (fsync off), as the data is thrown away anyway. */
    public static PostgresServer start() {
        return start(false);
    }

    /**
     * A server; {@code durable} keeps PostgreSQL's default of flushing every commit to disk, as in production (the
     * benchmark). Either way pg_stat_statements is loaded, so statements can be counted, and there are connections
     * enough for two Keycloak nodes' pools.
     */
    public static PostgresServer start(boolean durable) {
        Path binaries = findBinaries();
        try {
            // Under /tmp, not target/: the postgres user must be able to reach it whatever the clone's permissions.
            Path home = Files.createTempDirectory("twofa-postgres-");
            if (isRoot()) {
                run(List.of("chown", "postgres:postgres", home.toString()), false);
            }
            PostgresServer server = new PostgresServer(binaries, home.resolve("data"), Processes.freePort());
            server.pg("initdb", "-D", server.dataDir.toString(), "-U", USER, "--auth=trust", "-E", "UTF8");
            server.pg(
                    "pg_ctl",
                    "-D",
                    server.dataDir.toString(),
                    "-l",
                    home.resolve("server.log").toString(),
                    "-w",
                    "-o",
                    "-p " + server.port + " -k " + home + " -c listen_addresses=127.0.0.1 -c max_connections=300"
                            + " -c shared_preload_libraries=pg_stat_statements" + (durable ? "" : " -c fsync=off"),
                    "start");
            server.pg("createdb", "-h", "127.0.0.1", "-p", String.valueOf(server.port), "-U", USER, DATABASE);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The output of one SQL statement run by psql in the Keycloak database: unaligned, tuples only. */
    public String query(String sql) {
        return pg("psql", "-h", "127.0.0.1", "-p", String.valueOf(port), "-U", USER, "-d", DATABASE, "-At", "-c", sql);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    @Override
    public void close() {
        pg("pg_ctl", "-D", dataDir.toString(), "-m", "immediate", "stop");
        Processes.deleteTree(dataDir.getParent());
    }

    private String pg(String program, String... arguments) {
        List<String> command = new ArrayList<>();
        if (isRoot()) {
            command.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        command.add(binaries.resolve(program).toString());
        command.addAll(List.of(arguments));
        return run(command, true);
    }

    private static String run(List<String> command, boolean fromTempDir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (fromTempDir) {
                builder.directory(Path.of(System.getProperty("java.io.tmpdir")).toFile());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code pg.bin} if set, else the newest /usr/lib/postgresql/N/bin that has initdb. */
    private static Path findBinaries() {
        String configured = System.getProperty("pg.bin");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        try (var versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(bin -> Integer.parseInt(
                            bin.getParent().getFileName().toString().replaceAll("\\D", "0"))))
                    .orElseThrow(PostgresServer::notInstalled);
        } catch (IOException e) {
            throw notInstalled();
        }
    }

    private static IllegalStateException notInstalled() {
        return new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql: run "
                + "./run-tests.sh (it installs Debian's postgresql-15) or set -Dpg.bin=/path/to/postgresql/bin");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
